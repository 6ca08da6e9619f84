/**
 * Names carrying control or format characters (a hostile SNI) must not hide
 * from domain rules: `flysafe\x1b[31m.dji.com` is still under dji.com. The
 * match says the characters were ignored; text output shows them escaped
 * (the terminal neutraliser), NDJSON keeps the exact bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACK, PSH, SYN, ethernetIp, pcapFile, tcpPacket } from '../support/packet-builder.js';
import { buildClientHello, tlsRecords } from '../support/tls-client-hello-builder.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { replayFiles } from '../support/replay-harness.js';

const HOSTILE_SNIS = [
  'flysafe\u001b[31m.dji.com', // an escape sequence in the left label
  'flysafe.dji.com\u0007', // a bell after the last label
  'flysafe.dji\u0000.com', // NUL inside a label of the suffix itself
  'flysafe.d\u202eji.com', // a bidi override inside a label
  'FlySafe\u200b.DJI.com.', // zero-width space, upper case, trailing dot
];

/** Unicode's own categories, not the project's list: control, format, line and paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** The rule of the shipped dji pack that matches names under dji.com, read from the YAML with the yaml library. */
function djiComRule(): string {
  const pack = parse(readFileSync(join(REPO_ROOT, 'rules/dji.yaml'), 'utf8')) as { rules: { id: string; match: Record<string, unknown> }[] };
  const rule = pack.rules.find((r) => Object.keys(r.match).join() === 'domain_suffix' && (r.match['domain_suffix'] as string[]).includes('dji.com'));
  if (!rule) throw new Error('rules/dji.yaml has no domain_suffix rule for dji.com');
  return rule.id;
}

function capture(): string {
  const client = '192.168.1.20';
  const frames: Uint8Array[] = [];
  HOSTILE_SNIS.forEach((sni, i) => {
    // TEST-NET-3 servers: no country, no operator, so only name rules can fire.
    const ep = { src: client, dst: `203.0.113.${10 + i}` };
    const back = { src: ep.dst, dst: client };
    const port = 40000 + i;
    frames.push(ethernetIp(tcpPacket(ep, { srcPort: port, dstPort: 443, flags: SYN, seq: 0 })));
    frames.push(ethernetIp(tcpPacket(back, { srcPort: 443, dstPort: port, flags: SYN | ACK, seq: 0, ack: 1 })));
    frames.push(ethernetIp(tcpPacket(ep, { srcPort: port, dstPort: 443, flags: PSH | ACK, seq: 1, ack: 1 }, tlsRecords(buildClientHello({ sni: new TextEncoder().encode(sni) })))));
  });
  const file = join(mkdtempSync(join(tmpdir(), 'gw-invisible-')), 'invisible.pcap');
  writeFileSync(file, pcapFile(1, frames.map((data, i) => ({ tsSec: 1_767_225_600, tsNsec: i * 1000, data }))));
  return file;
}

describe('names with control or format characters and domain rules', () => {
  const file = capture();
  const rule = djiComRule();

  it('each is matched by the rule it matches without them, and the reason says they were ignored', async () => {
    for (const sni of HOSTILE_SNIS) expect(sni.replace(INVISIBLE, '').toLowerCase().replace(/\.$/, '').endsWith('.dji.com')).toBe(true);
    const { alerts, flows } = await replayFiles([file], { rulePaths: [join(REPO_ROOT, 'rules/dji.yaml')] });
    expect(flows.map((f) => f.tls?.client.server_name).sort()).toEqual([...HOSTILE_SNIS].sort());
    for (const sni of HOSTILE_SNIS) {
      const flow = flows.find((f) => f.tls?.client.server_name === sni)!;
      const hits = alerts.filter((a) => a.groundwatch.flow.uid === flow.groundwatch.flow.uid && a.rule.id === rule);
      expect(hits, JSON.stringify(sni)).toHaveLength(1);
      expect(hits[0]!.groundwatch.reasons.join(' ')).toMatch(/is under dji\.com .*control or format characters in the name ignored for matching/);
      expect(hits[0]!.destination?.domain).toBe(sni.toLowerCase().replace(/\.$/, '')); // the record keeps the name as seen (less a trailing dot)
    }
  });

  it('text output prints those alerts with the characters escaped, never raw', () => {
    const r = runCli(['replay', file, '--no-db', '--format', 'text', '--rules', join(REPO_ROOT, 'rules/dji.yaml')]);
    expect(r.stdout).toContain(rule);
    expect(r.stdout).toContain('\\x1b[31m');
    expect(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u202a-\u202e]/.test(r.stdout)).toBe(false);
  });
});
