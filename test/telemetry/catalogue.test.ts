/**
 * The telemetry catalogue is the one list: the stats record reports every
 * declared counter (zero included) and nothing undeclared, docs/telemetry.md
 * is rendered from it, and each declared name is counted somewhere in src/.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { TELEMETRY, TELEMETRY_FAMILIES, isCounterName } from '../../src/telemetry/catalogue.js';
import { renderTelemetryDoc } from '../../src/telemetry/docs.js';
import { textSummary } from '../../src/engine/summary.js';
import { DEFAULT_LIMITS, type PipelineLimits } from '../../src/config/limits.js';
import { ACK, SYN, concat, ethernetIp, pcapFile, tcpPacket, udpPacket } from '../support/packet-builder.js';
import { replayFiles } from '../support/replay-harness.js';
import { tsharkFieldRows } from '../support/tshark.js';

const DECLARED = Object.keys(TELEMETRY);
const ep = { src: '192.0.2.10', dst: '198.51.100.53' };

function dnsFrames(): Uint8Array[] {
  const question = { type: 'A' as const, name: 'telemetry.example' };
  const query = new Uint8Array(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [question] }));
  const answer = new Uint8Array(
    dnsPacket.encode({ type: 'response', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [question], answers: [{ type: 'A', name: 'telemetry.example', ttl: 60, data: '203.0.113.9' }] }),
  );
  return [
    ethernetIp(udpPacket(ep, { srcPort: 5353, dstPort: 53 }, query)),
    ethernetIp(udpPacket({ src: ep.dst, dst: ep.src }, { srcPort: 53, dstPort: 5353 }, answer)),
    ethernetIp(tcpPacket({ src: ep.src, dst: '203.0.113.9' }, { srcPort: 40000, dstPort: 443, flags: SYN, seq: 1 })),
    ethernetIp(tcpPacket({ src: '203.0.113.9', dst: ep.src }, { srcPort: 443, dstPort: 40000, flags: SYN | ACK, seq: 9, ack: 2 })),
    // Eight stacked 802.1Q tags: past the VLAN tag cap.
    concat(Uint8Array.of(2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1), ...Array.from({ length: 8 }, (_, i) => Uint8Array.of(0x81, 0, 0, i + 1)), Uint8Array.of(8, 0), new Uint8Array(20)),
  ];
}

async function replayTwoFiles(limits?: PipelineLimits) {
  const dir = mkdtempSync(join(tmpdir(), 'gw-telemetry-'));
  const ethernetFile = join(dir, 'ethernet.pcap');
  const radiotapFile = join(dir, 'radiotap.pcap');
  writeFileSync(ethernetFile, pcapFile(1, dnsFrames().map((data, k) => ({ tsSec: 1_767_225_600 + k, tsNsec: 0, data }))));
  // LINKTYPE_IEEE802_11_RADIOTAP (127): groundwatch does not decode it.
  writeFileSync(radiotapFile, pcapFile(127, [1, 2, 3].map((k) => ({ tsSec: 1_767_225_700 + k, tsNsec: 0, data: new Uint8Array(40) }))));
  return { replayed: await replayFiles([ethernetFile, radiotapFile], limits ? { limits } : {}), ethernetFile, radiotapFile };
}

describe('telemetry catalogue', () => {
  it('the stats record reports every declared counter, zero included, and nothing undeclared', async () => {
    const { replayed, radiotapFile } = await replayTwoFiles();
    const stats = replayed.stats.groundwatch.stats as {
      counters: Record<string, number>;
      anomalies: Record<string, number>;
      sinks: Record<string, number>;
      capture: Record<string, number>;
      anomalies_total: number;
      packets: { received: number; unsupported_link_types: Record<string, number> };
    };
    for (const name of DECLARED) expect(stats.counters, name).toHaveProperty([name]);
    expect(Object.values(stats.counters).filter((v) => v === 0).length).toBeGreaterThan(0);
    const reported = [...Object.keys(stats.counters), ...Object.keys(stats.anomalies), ...Object.keys(stats.sinks), ...Object.keys(stats.capture)];
    expect(reported.filter((name) => !isCounterName(name))).toEqual([]);
    // Counted, reported, and independently true: tshark counts the frames of each file.
    const radiotapFrames = tsharkFieldRows(radiotapFile, ['frame.number']).length;
    expect(radiotapFrames).toBe(3);
    expect(stats.counters['decode.unsupported_link_type_number.127']).toBe(radiotapFrames);
    expect(stats.counters['decode.unsupported_link_type']).toBe(radiotapFrames);
    expect(stats.counters['packets.received']).toBe(5 + radiotapFrames);
    expect(stats.counters['anomaly.decode.vlan_tag_limit']).toBe(1);
    expect(stats.counters['dns.queries']).toBe(1);
    expect(stats.counters['dns.responses']).toBe(1);
    expect(stats.counters['names.tls_sni']).toBe(0);
    // The legacy fields agree with the full map.
    expect(stats.anomalies_total).toBe(Object.entries(stats.counters).filter(([k]) => k.startsWith('anomaly.')).reduce((s, [, v]) => s + v, 0));
    expect(stats.packets.unsupported_link_types).toEqual({ '127': radiotapFrames });
  });

  it('the summary names the limits that were hit', async () => {
    // Two conversations (the DNS exchange and the TCP handshake) through a flow table of one: one eviction.
    const { replayed } = await replayTwoFiles({ ...DEFAULT_LIMITS, flows: { ...DEFAULT_LIMITS.flows, maxFlows: 1 } });
    const summary = textSummary(replayed.result.session, []);
    expect(summary).toMatch(/^ {2}anomalies .*decode\.vlan_tag_limit 1/m);
    expect(summary).toMatch(/^ {2}limits {4}flow\.evicted 1$/m);
    const stats = replayed.stats.groundwatch.stats as { counters: Record<string, number> };
    expect(stats.counters['flow.evicted']).toBe(1);
  });

  it('without a limit hit the summary has no limits line', async () => {
    const { replayed } = await replayTwoFiles();
    expect(textSummary(replayed.result.session, [])).not.toMatch(/^ {2}limits/m);
  });

  it('no name is both a value and a prefix of other names (the flat stats map stays one level per name)', () => {
    const familyPrefixes = Object.keys(TELEMETRY_FAMILIES).map((f) => f.slice(0, f.indexOf('<')));
    const clashes = DECLARED.filter((name) => DECLARED.some((other) => other.startsWith(`${name}.`)) || familyPrefixes.some((p) => p.startsWith(`${name}.`)));
    expect(clashes).toEqual([]);
  });

  it('every name is snake_case in each dotted segment (the convention of ECS and of groundwatch.*)', () => {
    expect(DECLARED.filter((name) => !name.split('.').every((segment) => /^[a-z0-9]+(_[a-z0-9]+)*$/.test(segment)))).toEqual([]);
  });

  it('every declared name is counted somewhere in src/ (no dead entries)', () => {
    const sources = listTs('src').filter((f) => !f.includes('/telemetry/')).map((f) => readFileSync(f, 'utf8')).join('\n');
    const dead = DECLARED.filter((name) => {
      const parts = name.split('.');
      // The whole name, or a tail a parser returns as a reason / a stage splits it by (e.g. 'ipv4.bad_ihl', 'tls_sni').
      const tails = parts.map((_, i) => parts.slice(i).join('.'));
      return !tails.some((t) => sources.includes(`'${t}'`) || sources.includes(`\`${t}\``) || sources.includes(`${t}\``));
    });
    expect(dead).toEqual([]);
  });

  it('docs/telemetry.md is rendered from the catalogue', () => {
    const rendered = renderTelemetryDoc();
    if (process.env['GW_WRITE_DOCS'] === '1') writeFileSync('docs/telemetry.md', rendered);
    expect(readFileSync('docs/telemetry.md', 'utf8')).toBe(rendered);
    for (const name of DECLARED) expect(rendered).toContain(`| \`${name}\` |`);
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listTs(path) : path.endsWith('.ts') ? [path] : [];
  });
}
