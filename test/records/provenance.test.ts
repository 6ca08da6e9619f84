/**
 * Every flow, DNS and alert record names its run and the capture file and packet it came
 * from (groundwatch.run_id, groundwatch.capture.file / .packet). tshark is the oracle: the
 * frame with that number in that file is the flow's first packet (same time, same 5-tuple)
 * or the packet carrying the DNS message (same id, same question).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURES_DIR, PEER_PCAP_DIR } from '../support/fixture-paths.js';
import { tsharkFieldRows } from '../support/tshark.js';

type Rec = Record<string, any>;

const SESSION = `${FIXTURES_DIR}session-dji-mixed.pcapng`;
const DNS_TCP = `${PEER_PCAP_DIR}dns-tcp__tcpdump-dns_tcp.pcap`;
const DNS_CNAME = `${PEER_PCAP_DIR}dns-cname-a__sv-cond-log-dns-dig.pcap`;
const INPUTS = [SESSION, DNS_TCP, DNS_CNAME];

const FRAME_FIELDS = ['frame.number', 'frame.time_epoch', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst', 'tcp.srcport', 'udp.srcport', 'tcp.dstport', 'udp.dstport', 'dns.id', 'dns.qry.name'] as const;

interface Frame { time: string; src: string; dst: string; sport: string; dport: string; dnsId: string; qname: string }

function framesOf(file: string): Map<number, Frame> {
  const out = new Map<number, Frame>();
  for (const [n, time, s4, s6, d4, d6, ts, us, td, ud, id, q] of tsharkFieldRows(file, FRAME_FIELDS)) {
    // Fragments or tunnels give several values; the innermost is last.
    const last = (v: string) => v.split(',').pop() ?? '';
    out.set(Number(n), { time: time!, src: last(s4 || s6!), dst: last(d4 || d6!), sport: last(ts || us!), dport: last(td || ud!), dnsId: last(id!), qname: q!.split(',')[0] ?? '' });
  }
  return out;
}

/** "2026-11-23T09:37:24.787701000Z" and tshark's "1795426644.787701000" as the same nanosecond text. */
function epochText(iso: string): string {
  const m = /^(.*)\.(\d{9})Z$/.exec(iso)!;
  return `${Date.parse(`${m[1]}Z`) / 1000}.${m[2]}`;
}

describe('record provenance: run id, capture file and packet number', () => {
  const r = runCli(['replay', ...INPUTS, '--format', 'ndjson', '--events', 'all', '--no-db', '--fail-on', 'never', '--no-summary']);
  const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Rec);
  const of = (dataset: string) => records.filter((x) => x.event.dataset === `groundwatch.${dataset}`);
  const frames = new Map(INPUTS.map((f) => [f, framesOf(f)]));

  it('one run id on every record, the stats record included', () => {
    expect(r.status).toBe(0);
    const ids = new Set(records.map((x) => x.groundwatch.run_id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('each flow names the file and number of its first packet (tshark: same time and 5-tuple)', () => {
    const flows = of('flow');
    expect(flows.length).toBeGreaterThan(20);
    expect(new Set(flows.map((f) => f.groundwatch.capture.file))).toEqual(new Set(INPUTS));
    for (const f of flows) {
      const frame = frames.get(f.groundwatch.capture.file)!.get(f.groundwatch.capture.packet);
      expect(frame, `${f.groundwatch.flow.uid} packet ${f.groundwatch.capture.packet}`).toBeDefined();
      expect(frame!.time).toBe(epochText(f.event.start));
      const tuple = [f.source.ip, String(f.source.port), f.destination.ip, String(f.destination.port)].join(' ');
      const forward = [frame!.src, frame!.sport, frame!.dst, frame!.dport].join(' ');
      const backward = [frame!.dst, frame!.dport, frame!.src, frame!.sport].join(' ');
      expect([forward, backward]).toContain(tuple);
    }
  });

  it('each DNS record names the packet that carried the message (tshark: same dns.id and question)', () => {
    const dns = of('dns');
    expect(dns.length).toBeGreaterThan(5);
    expect(new Set(dns.map((d) => d.groundwatch.capture.file)).size).toBe(3);
    for (const d of dns) {
      const frame = frames.get(d.groundwatch.capture.file)!.get(d.groundwatch.capture.packet)!;
      expect(Number(frame.dnsId)).toBe(Number(d.dns.id));
      expect(frame.qname.toLowerCase()).toBe(d.dns.question.name);
    }
  });

  it('each alert names its flow\'s first packet, or the DNS query\'s packet', () => {
    const alerts = of('alert');
    const flowByUid = new Map(of('flow').map((f) => [f.groundwatch.flow.uid, f]));
    expect(alerts.some((a) => a.groundwatch.trigger === 'dns_query')).toBe(true);
    for (const a of alerts) {
      if (a.groundwatch.trigger === 'dns_query') {
        const frame = frames.get(a.groundwatch.capture.file)!.get(a.groundwatch.capture.packet)!;
        expect(frame.qname.toLowerCase()).toBe(a.groundwatch.dns_query.name);
      } else {
        expect(a.groundwatch.capture).toEqual(flowByUid.get(a.groundwatch.flow.uid)!.groundwatch.capture);
      }
    }
  });
});
