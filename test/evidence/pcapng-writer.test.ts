/**
 * The pcapng writer against tshark and capinfos: link types per interface,
 * nanosecond timestamps, captured and original lengths, packet and section
 * comments, snaplen, and odd lengths (padding) all read back as written.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcapng, type SlicePacket } from '../../src/evidence/pcapng-writer.js';
import { tsharkFieldRows } from '../support/tshark.js';
import { ethernetIp, tcpPacket, ACK, ascii } from '../support/packet-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-pcapng-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const eth = ethernetIp(tcpPacket({ src: '192.0.2.1', dst: '198.51.100.7' }, { srcPort: 40000, dstPort: 443, flags: ACK }, ascii('hello, odd length!')));
const raw = tcpPacket({ src: '2001:db8::1', dst: '2001:db8::2' }, { srcPort: 5, dstPort: 6, flags: ACK });

const packets: SlicePacket[] = [
  { tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 1, data: eth.subarray(0, 54), origLen: eth.length, comment: 'groundwatch alert abc; headers only (payload cut)' },
  { tsSec: 1_700_000_001, tsNsec: 1, linkType: 1, data: eth, origLen: eth.length, comment: 'whole, ünïcode ✓' },
  { tsSec: 1_700_000_002, tsNsec: 999_999_999, linkType: 101, data: raw, origLen: raw.length },
];

function write(name: string, list: SlicePacket[], snaplen = (_: number) => 0): string {
  const path = join(dir, name);
  writeFileSync(path, writePcapng(list, { application: 'groundwatch test', comment: 'section note', snaplen }));
  return path;
}

describe('writePcapng', () => {
  it('reads back in tshark as written', () => {
    const path = write('a.pcapng', packets, (lt) => (lt === 1 ? 54 : 0));
    const rows = tsharkFieldRows(path, ['frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.comment', 'frame.interface_id', 'frame.encap_type', 'ip.src', 'ipv6.dst', 'tcp.srcport']);
    expect(rows).toEqual([
      ['1700000000.123456789', String(eth.length), '54', packets[0]!.comment, '0', '1', '192.0.2.1', '', '40000'],
      ['1700000001.000000001', String(eth.length), String(eth.length), packets[1]!.comment, '0', '1', '192.0.2.1', '', '40000'],
      ['1700000002.999999999', String(raw.length), String(raw.length), '', '1', '7', '', '2001:db8::2', '5'],
    ]);
  });

  it('declares the section and interfaces as capinfos reads them', () => {
    const path = write('b.pcapng', packets, (lt) => (lt === 1 ? 54 : 0));
    const info = execFileSync('capinfos', [path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(info).toMatch(/File type:\s+Wireshark\/\.\.\. - pcapng/);
    expect(info).toMatch(/Number of packets:\s+3/);
    expect(info).toMatch(/Capture application:\s+groundwatch test/);
    expect(info).toMatch(/Capture comment:\s+section note/);
    expect(info).toMatch(/Encapsulation = Ethernet \(1[^)]*\)[\s\S]*Capture length = 54/);
    expect(info).toMatch(/Encapsulation = Raw IP \(7[^)]*\)[\s\S]*Capture length = 0/);
    expect(info).toMatch(/Time precision = nanoseconds/);
    expect(info).toMatch(/Strict time order:\s+True/);
  });

  it('writes a valid file with no packets (a slice that is empty)', () => {
    const path = write('c.pcapng', []);
    expect(tsharkFieldRows(path, ['frame.number'])).toEqual([]);
    expect(execFileSync('capinfos', ['-c', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toMatch(/Number of packets:\s+0/);
  });
});
