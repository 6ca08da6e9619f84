/**
 * Text for a person (issue 17): ISO 8601 times (never epoch floats), GeoIP databases by
 * the names people know, reasons in plain words, 120 columns, colour for severity only on
 * a terminal and never with NO_COLOR, progress on stderr only when it is a terminal.
 */
import { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAlertsCommands } from '../../src/cli/alerts-command.js';
import { registerGapsCommands } from '../../src/cli/gaps-command.js';
import { progressLine } from '../../src/cli/replay-progress.js';
import { plainReason } from '../../src/util/db-label.js';
import { colourWanted } from '../../src/cli/terminal-style.js';
import { buildCaptureGapRecord } from '../../src/daemon/capture-gap.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { makeAlert, makeRun } from '../sinks/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-readable-'));
const dbPath = join(dir, 'store.db');

const alert = makeAlert({ id: '69ab00001111aaaa', severity: 'critical', domain: 'flysafe-api.dji.com', asn: 37963 });
alert.groundwatch.confidence = 'H';
alert.groundwatch.reasons = [
  'destination.ip 47.88.1.2 is located in CN (dbip-country built 2026-06-01T20:32:58.000Z)',
  'destination.ip 47.91.161.231 is not excluded by not{country: CN}',
];
alert.groundwatch.geoip = {
  country_db: { type: 'dbip-country', path: '/x/dbip-country.mmdb', build_date: '2026-06-01T20:32:58.000Z' },
  asn_db: { type: 'GeoLite2-ASN', path: '/x/GeoLite2-ASN.mmdb', build_date: '2026-06-18T00:00:00.000Z' },
};
alert.rule.description = 'A long description. '.repeat(20);

beforeAll(async () => {
  const sink = new SqliteSink(openStore(dbPath));
  sink.startRun(makeRun('R-live'));
  sink.write(alert);
  // Two monitor gaps: one closed (5.25 s), one still open.
  sink.write(buildCaptureGapRecord({ start: new Date('2026-11-23T09:00:00.000Z'), end: new Date('2026-11-23T09:00:05.250Z'), reason: 'interface_down', interfaceName: 'wlan0' }, 'R-live'));
  sink.write(buildCaptureGapRecord({ start: new Date('2026-11-23T10:00:00.000Z'), reason: 'worker_restart', interfaceName: 'wlan0' }, 'R-live'));
  await sink.close();
});

async function run(register: typeof registerAlertsCommands, args: string[], isTTY = false): Promise<string> {
  let out = '';
  const program = new Command().exitOverride();
  register(program, { stdout: { isTTY, write: (s: string) => { out += s; } }, stderr: { write: () => undefined } });
  await program.parseAsync(['node', 'groundwatch', ...args]);
  return out;
}

describe('alerts show as text', () => {
  it('ISO 8601 times, database names people know, reasons in plain words, within 120 columns', async () => {
    const text = await run(registerAlertsCommands, ['alerts', 'show', '69ab', '--db', dbPath]);
    expect(text).toMatch(/^alert\s+69ab00001111aaaa {2}critical, confidence H {2}DJI endpoint$/m);
    // The name evidence time is epoch seconds in the record (1630490400): shown as ISO 8601.
    expect(text).toMatch(/^groundwatch\.name\.evidence\.0\.ts\s+2021-09-01T10:00:00\.000000000Z$/m);
    expect(text).not.toMatch(/1630490400/);
    expect(text).toMatch(/^groundwatch\.reasons\.0\s+destination\.ip 47\.88\.1\.2 is located in CN \(DB-IP Lite Country database,\s+built\s+2026-06-01\)$/m);
    expect(text).toMatch(/^groundwatch\.reasons\.1\s+destination\.ip 47\.91\.161\.231 is outside the rule's exception \(country: CN\)$/m);
    expect(text).not.toMatch(/not\{/);
    expect(text).toMatch(/^groundwatch\.geoip\.asn_db\.type\s+MaxMind GeoLite2 ASN \(GeoLite2-ASN\)$/m);
    expect(text).toMatch(/^groundwatch\.geoip\.country_db\.build_date\s+2026-06-01$/m);
    expect(text).toMatch(/^ack\s+none$/m);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
  });

  it('colours the severity on a terminal only', async () => {
    const plain = await run(registerAlertsCommands, ['alerts', 'show', '69ab', '--db', dbPath], false);
    expect(plain).not.toMatch(/\u001b/);
    const saved = process.env['NO_COLOR'];
    delete process.env['NO_COLOR'];
    try {
      const tty = await run(registerAlertsCommands, ['alerts', 'show', '69ab', '--db', dbPath], true);
      expect(tty).toContain('\u001b[1;31mcritical\u001b[0m');
      const table = await run(registerAlertsCommands, ['alerts', 'list', '--db', dbPath], true);
      expect(table).toMatch(/\u001b\[1;31mcritical *\u001b\[0m/);
      process.env['NO_COLOR'] = '1';
      expect(await run(registerAlertsCommands, ['alerts', 'list', '--db', dbPath], true)).not.toMatch(/\u001b/);
    } finally {
      if (saved === undefined) delete process.env['NO_COLOR'];
      else process.env['NO_COLOR'] = saved;
    }
  });

  it('NO_COLOR: set and non-empty turns colour off; empty does not (no-color.org); a pipe never gets colour', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
  });

  it('alerts list table: confidence next to severity, ISO time to the second, within 120 columns', async () => {
    const table = await run(registerAlertsCommands, ['alerts', 'list', '--db', dbPath]);
    const [head, row] = table.trimEnd().split('\n');
    expect(head).toMatch(/^time\s+severity\s+conf\s+rule\.id/);
    expect(row).toMatch(/^2021-09-01T10:00:00Z\s+critical\s+H\s+/);
    for (const line of table.split('\n')) expect([...line].length).toBeLessThanOrEqual(120);
  });
});

describe('gaps list', () => {
  it('lists capture gaps newest first with ISO times and durations (5.25 s from the records above)', async () => {
    const table = await run(registerGapsCommands, ['gaps', 'list', '--db', dbPath]);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^start\s+end\s+seconds\s+interface\s+reason\s+run$/);
    expect(lines[1]).toMatch(/^2026-11-23T10:00:00Z\s+open\s+-\s+wlan0\s+worker_restart\s+R-live$/);
    expect(lines[2]).toMatch(/^2026-11-23T09:00:00Z\s+2026-11-23T09:00:05Z\s+5\.25\s+wlan0\s+interface_down\s+R-live$/);
    const nd = (await run(registerGapsCommands, ['gaps', 'list', '--db', dbPath, '--format', 'ndjson', '--since', '2026-11-23T09:30:00Z'])).trim().split('\n');
    expect(nd.map((l) => JSON.parse(l).groundwatch.gap.reason)).toEqual(['worker_restart']);
  });
});

describe('plain reasons', () => {
  it('rewrites the older records\' wording too', () => {
    expect(plainReason('AS45102 is operated by Alibaba Cloud (CN) (GroundWatch-ASN built 2026-06-17T19:00:00.000Z)')).toBe(
      'AS45102 is operated by Alibaba Cloud (CN) (groundwatch ASN (embedded, built from ip-location-db) database, built 2026-06-17)',
    );
  });
});

describe('replay progress', () => {
  const sample = { packets: 1234567, file: 'captures/day-1.pcapng', rate: 250000.4, elapsedSec: 4.9 };

  it('on a terminal: one line rewritten in place with packets, rate and file, cleared at the end', () => {
    let written = '';
    const line = progressLine({ isTTY: true, columns: 120, write: (t: string) => (written += t) });
    line.show!(sample);
    expect(written).toBe('\r\u001b[2Kreplay: 1,234,567 packets, 250,000/s, reading captures/day-1.pcapng');
    line.clear();
    expect(written.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('not a terminal (CI log, pipe): nothing at all', () => {
    let written = '';
    const line = progressLine({ isTTY: false, write: (t: string) => (written += t) });
    expect(line.show).toBeUndefined();
    line.clear();
    expect(written).toBe('');
  });

  it('a hostile file name cannot move the cursor', () => {
    let written = '';
    progressLine({ isTTY: true, columns: 200, write: (t: string) => (written += t) }).show!({ ...sample, file: 'x\u001b[2Jy.pcap' });
    expect(written.slice('\r\u001b[2K'.length)).not.toMatch(/\u001b/);
  });
});
