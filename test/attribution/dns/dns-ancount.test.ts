/**
 * A DNS response whose ANCOUNT claims more answers than it holds (raised
 * count, or cut inside an answer): the answers present are kept, as tshark
 * decodes them, and the shortfall is reported (answersMissing). Before, the
 * whole message was dropped as truncated.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { parseDnsMessage } from '../../../src/attribution/dns/dns-message.js';
import { ethernetIp, LINKTYPE_ETHERNET, pcapFile, udpPacket } from '../../support/packet-builder.js';
import { tsharkFieldRows } from '../../support/tshark.js';
import { replayFiles } from '../../support/replay-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-ancount-'));

function response(): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: 0x4242,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name: 'cdn.example.com' }],
    answers: [
      { type: 'CNAME', name: 'cdn.example.com', ttl: 60, data: 'edge.example.net' },
      { type: 'A', name: 'edge.example.net', ttl: 60, data: '192.0.2.10' },
      { type: 'A', name: 'edge.example.net', ttl: 60, data: '192.0.2.11' },
    ],
  });
}

const withAncount = (msg: Buffer, ancount: number) => {
  const out = Buffer.from(msg);
  out.writeUInt16BE(ancount, 6);
  return out;
};

/** The payload in a capture (DNS server to client over UDP), for tshark and for a replay. */
function capture(name: string, payload: Uint8Array): string {
  const frame = ethernetIp(udpPacket({ src: '198.51.100.53', dst: '10.0.0.2' }, { srcPort: 53, dstPort: 40000 }, payload));
  const path = join(dir, `${name}.pcap`);
  writeFileSync(path, pcapFile(LINKTYPE_ETHERNET, [{ tsSec: 1_700_000_000, tsNsec: 0, data: frame }]));
  return path;
}

const CASES: [string, Buffer][] = [
  ['ANCOUNT raised above the answers present', withAncount(response(), 7)],
  ['the message cut inside its last answer', response().subarray(0, response().length - 2)],
  ['the message cut inside its first answer', response().subarray(0, 33 + 10)],
];

describe('DNS response with ANCOUNT above the answers present', () => {
  it.each(CASES)('%s: keeps the answers tshark decodes', async (name, payload) => {
    const path = capture(name.replace(/\W+/g, '-'), payload);
    const [row] = tsharkFieldRows(path, ['dns.count.answers', 'dns.a', 'dns.cname'], { filter: 'dns' });
    const [ancount = '', a = '', cname = ''] = row!;
    const tsharkAnswers = [...cname.split(','), ...a.split(',')].filter(Boolean);

    const r = parseDnsMessage(payload);
    expect(r.status).toBe('found');
    if (r.status !== 'found') return;
    const ours = [...r.value.answers.filter((x) => x.type === 'CNAME'), ...r.value.answers.filter((x) => x.type === 'A')].map((x) => x.data);
    expect(ours).toEqual(tsharkAnswers);
    expect(r.value.answersMissing).toBe(Number(ancount) - tsharkAnswers.length);
    expect(r.value.answersMissing).toBeGreaterThan(0);

    // Through the pipeline: the DNS record carries the same answers, and the shortfall is counted.
    const replayed = await replayFiles([path]);
    expect(replayed.dns).toHaveLength(1);
    expect(replayed.stats.groundwatch.stats['anomalies']).toMatchObject({ 'anomaly.dns.answers_missing': 1 });
  });
});
