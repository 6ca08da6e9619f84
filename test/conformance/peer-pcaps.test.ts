/**
 * Conformance against ../shared/peer-pcaps: what tshark 4.0 and the peer test
 * suites (Suricata-verify, Zeek, Arkime, nDPI) expect from each capture.
 * Packet counts, TCP/UDP flow counts and the flow list, other IP
 * conversations, and every SNI, QUIC SNI, HTTP Host and DNS answer.
 */
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../src/decode/ip-address.js';
import type { FlowRecord } from '../../src/records/ecs.js';
import { loadManifest, PEER_DIR } from '../support/peer-manifest.js';
import { replayFiles } from '../support/replay-harness.js';

const manifest = loadManifest();

/** "tcp 1.2.3.4:443 <-> 5.6.7.8:1234" in a canonical, order-free form. */
function canonicalConversation(line: string): string {
  const [proto, a, , b] = line.split(' ');
  const ends = [a!, b!].map((e) => {
    const i = e.lastIndexOf(':');
    return `${canonicalIp(e.slice(0, i))}:${e.slice(i + 1)}`;
  });
  return `${proto} ${ends.sort().join(' ')}`;
}

function flowConversation(f: FlowRecord): string {
  return `${f.network!.transport} ${[`${f.source!.ip}:${f.source!.port}`, `${f.destination!.ip}:${f.destination!.port}`].sort().join(' ')}`;
}

describe.each(manifest.map((m) => [m.file, m] as const))('peer capture %s', (file, m) => {
  it('matches tshark: packets, flows, conversations and every name', async () => {
    const r = await replayFiles([`${PEER_DIR}${file}`]);
    const stats = r.stats.groundwatch.stats as { packets: { received: number }; flows: { other_ip_conversations: number } };
    expect(stats.packets.received).toBe(m.expected.packets);

    const conversations = new Set(r.flows.map(flowConversation));
    expect(conversations.size).toBe(m.expected.flows);
    expect(r.flows.filter((f) => f.network!.transport === 'tcp').length).toBeGreaterThanOrEqual(m.expected.flows_tcp);
    expect(new Set(r.flows.filter((f) => f.network!.transport === 'udp').map(flowConversation)).size).toBe(m.expected.flows_udp);
    expect(stats.flows.other_ip_conversations).toBe(m.expected.other_ip_conversations);
    if (m.expected.flow_list) {
      expect([...conversations].sort()).toEqual(m.expected.flow_list.map(canonicalConversation).sort());
    }

    const namesBy = (source: string) =>
      new Set(r.flows.flatMap((f) => f.groundwatch.name.evidence.filter((e) => e.source === source).map((e) => e.host)));
    for (const sni of m.expected.sni) expect(namesBy('tls_sni'), `SNI ${sni}`).toContain(sni.toLowerCase());
    for (const sni of m.expected.quic_sni) expect(namesBy('quic_sni'), `QUIC SNI ${sni}`).toContain(sni.toLowerCase());
    for (const host of m.expected.http_host) expect(namesBy('http_host'), `HTTP Host ${host}`).toContain(host.toLowerCase());
    if (m.expected.quic_sni.length === 0) expect(namesBy('quic_sni').size).toBe(0);

    for (const d of m.expected.dns) {
      const answers = r.dns.filter(
        (x) => x.dns.type === 'answer' && x.dns.question.name === d.name.toLowerCase() && dnsTypeNumber(x.dns.question.type) === d.qtype,
      );
      expect(answers.length, `DNS answer for ${d.name} type ${d.qtype}`).toBeGreaterThan(0);
      const data = answers.flatMap((x) => (x.dns.answers ?? []).filter((a) => ['A', 'AAAA', 'CNAME'].includes(a.type)).map((a) => a.data));
      expect(data).toEqual(expect.arrayContaining(d.answers.map((a) => canonicalIp(a) ?? a.toLowerCase())));
    }
    expect(r.warnings).toEqual([]);
  });
});

function dnsTypeNumber(type: string): string {
  const map: Record<string, string> = { A: '1', AAAA: '28', CNAME: '5', MX: '15', TXT: '16', PTR: '12', NS: '2', SOA: '6', SRV: '33', HTTPS: '65', ANY: '255' };
  return map[type] ?? type;
}
