/**
 * `groundwatch replay` on evidence it could not fully read: a damaged gzip
 * (red team r2_gzip_crc.sh) or a link type it does not decode (r8_misc.sh,
 * 802.11, radiotap, unknown). It says so on stderr, in the summary and the
 * stats, and a run with --fail-on exits 2 (the documented "incomplete input"
 * status) rather than passing; --fail-on never still exits 0.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { pcapFile } from '../support/capture-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-incomplete-'));
const SESSION_PCAP = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap');
const SESSION_PCAPNG = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');

function tsharkFrameCount(path: string): number {
  const r = spawnSync('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

/** The link type in the pcap file header as tshark's file-pcap dissector reads it. */
function tsharkLinkType(path: string): number {
  const out = execFileSync('tshark', ['-r', path, '-X', 'read_format:MIME Files Format', '-T', 'fields', '-e', 'pcap.header.link_type'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return Number(out.trim().split('\n')[0]);
}

const PARSE_JUNIT_ERRORS = `
import json, sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find('testsuite')
errored = [{'name': c.get('name'), 'message': c.find('error').get('message')} for c in suite.findall('testcase') if c.find('error') is not None]
print(json.dumps({'errors': int(suite.get('errors')), 'errored': errored}))
`;

function replay(files: string[], extra: string[] = []) {
  const r = runCli(['replay', ...files, '--no-db', '--format', 'ndjson', '--events', 'all', ...extra]);
  const records = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const stats = records.find((x) => x.event.dataset === 'groundwatch.stats')?.groundwatch.stats;
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('groundwatch: '));
  return { status: r.status, stats, lines, stderr: r.stderr };
}

describe('replay of a gzip capture with a bad CRC', () => {
  const path = join(dir, 'badcrc.pcapng.gz');
  const gz = execFileSync('gzip', ['-c', SESSION_PCAPNG]);
  gz[gz.length - 6]! ^= 0xff;
  writeFileSync(path, gz);

  it('keeps every packet (tshark count), warns once, and a --fail-on run exits 2', () => {
    for (const failOn of [[], ['--fail-on', 'critical']]) {
      const r = replay([path], failOn);
      expect(r.status).toBe(2);
      expect(r.lines).toEqual([expect.stringMatching(/^groundwatch: CAPTURE_CORRUPT: .*badcrc\.pcapng\.gz: .*CRC-32/)]);
      expect(r.stats.packets.received).toBe(tsharkFrameCount(path));
    }
  });

  it('exits 0 with --fail-on never', () => {
    expect(replay([path], ['--fail-on', 'never']).status).toBe(0);
  });

  it('the JUnit report has one errored case naming the damage, read by an independent parser', () => {
    const report = join(dir, 'badcrc.xml');
    expect(replay([path], ['--junit', report]).status).toBe(2);
    const parsed = spawnSync('python3', ['-c', PARSE_JUNIT_ERRORS, report], { encoding: 'utf8' });
    expect(parsed.status, parsed.stderr).toBe(0);
    expect(JSON.parse(parsed.stdout)).toEqual({ errors: 1, errored: [{ name: 'inputs read completely', message: expect.stringMatching(/^groundwatch: CAPTURE_CORRUPT: .*CRC-32/) }] });
  });
});

describe('replay of link types groundwatch does not decode', () => {
  const made = (name: string, encapsulation: string) => {
    const out = join(dir, name);
    execFileSync('editcap', ['-F', 'pcap', '-T', encapsulation, SESSION_PCAP, out]);
    return out;
  };
  const unknown = join(dir, 'user0.pcap');
  writeFileSync(unknown, pcapFile({ linkType: 147, records: [{ tsSec: 1, tsFrac: 0, data: readFileSync(SESSION_PCAP).subarray(40, 100) }] }));
  const cases: [string, string][] = [
    ['802.11', made('wifi.pcap', 'ieee-802-11')],
    ['radiotap', made('radiotap.pcap', 'ieee-802-11-radiotap')],
    ['an unknown one (USER0)', unknown],
  ];

  it.each(cases)('%s: counted by link type in the stats, said on stderr and in the summary; a --fail-on run exits 2', (_what, path) => {
    const linkType = tsharkLinkType(path);
    const packets = tsharkFrameCount(path);
    const r = replay([path]);
    expect(r.status).toBe(2);
    expect(r.stats.packets).toMatchObject({ received: packets, decoded: 0, unsupported_link_type: packets, unsupported_link_types: { [String(linkType)]: packets } });
    expect(r.lines).toEqual([
      expect.stringMatching(new RegExp(`^groundwatch: LINK_TYPE_UNSUPPORTED: ${packets} packets of link type ${linkType}\\b`)),
      expect.stringMatching(/^groundwatch: NOTHING_DECODED: /),
    ]);
    expect(r.stderr).toMatch(new RegExp(`not decoded: ${packets} packets of unsupported link type ${linkType}\\b`));
    expect(replay([path], ['--fail-on', 'never']).status).toBe(0);
  });

  it('beside a capture that decodes: the unsupported packets are still reported, and the alerts decide the exit', () => {
    const radiotap = cases[1]![1];
    const r = replay([SESSION_PCAP, radiotap]);
    expect(r.lines).toEqual([expect.stringMatching(/^groundwatch: LINK_TYPE_UNSUPPORTED: .* link type 127 \(IEEE802_11_RADIOTAP\)/)]);
    expect(r.stats.packets.unsupported_link_types).toEqual({ '127': tsharkFrameCount(radiotap) });
    expect(r.status).toBe(1); // the session's alerts reach high
  });
});
