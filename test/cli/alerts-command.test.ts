import { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAlertsCommands } from '../../src/cli/alerts-command.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { makeAlert } from '../sinks/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-alerts-cli-'));
const dbPath = join(dir, 'store.db');
const A1 = makeAlert({ id: 'A1', ts: '2021-09-01T01:00:00.000000000Z', severity: 'low', rule: 'gw.cn.located', category: 'cn_located', src: '10.0.0.1', country: 'CN', asn: 37963, domain: 'oss.aliyuncs.com' });
const A2 = makeAlert({ id: 'A2', ts: '2021-09-02T01:00:00.000000000Z', severity: 'critical', rule: 'gw.dji.endpoint', src: '10.0.0.2', mac: 'AA:BB:CC:00:00:02', country: 'US', asn: 16509, domain: '\u001b]8;;http://evil\u0007dji.com' });

beforeAll(async () => {
  const sink = new SqliteSink(openStore(dbPath));
  sink.write(A1);
  sink.write(A2);
  await sink.close();
});

async function run(...args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerAlertsCommands(program, { stdout: { write: (s: string) => { out += s; } } });
  await program.parseAsync(['node', 'groundwatch', 'alerts', ...args]);
  return out;
}

const ids = async (...a: string[]) =>
  (await run('list', '--db', dbPath, '--format', 'ndjson', ...a)).split('\n').filter(Boolean).map((l) => JSON.parse(l).event.id);

describe('alerts list', () => {
  it('filters by severity, rule, device, country, asn, domain, category and time', async () => {
    expect(await ids()).toEqual(['A2', 'A1']);
    expect(await ids('--severity', 'high')).toEqual(['A2']);
    expect(await ids('--rule', 'gw.cn.located')).toEqual(['A1']);
    expect(await ids('--device', 'aa:bb:cc:00:00:02')).toEqual(['A2']);
    expect(await ids('--device', '10.0.0.1')).toEqual(['A1']);
    expect(await ids('--country', 'US')).toEqual(['A2']);
    expect(await ids('--asn', '37963')).toEqual(['A1']);
    expect(await ids('--domain', 'aliyuncs.com')).toEqual(['A1']);
    expect(await ids('--category', 'cn_located')).toEqual(['A1']);
    expect(await ids('--until', '2021-09-02')).toEqual(['A1']);
  });

  it('ndjson gives the exact records; the table neutralises the hostile domain', async () => {
    // The exact record plus its acknowledgements (none yet).
    const withAcks = { ...A2, groundwatch: { ...A2.groundwatch, acknowledgements: [] } };
    expect((await run('list', '--db', dbPath, '--format', 'ndjson', '--rule', 'gw.dji.endpoint')).trimEnd()).toBe(JSON.stringify(withAcks));
    const table = await run('list', '--db', dbPath);
    expect(table).not.toMatch(/[\u001b\u0007]/);
    expect(table).toContain('\\x1b]8;;http://evil\\x07dji.com');
  });

  it('an unknown severity -> USAGE', async () => {
    await expect(run('list', '--db', dbPath, '--severity', 'scary')).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('alerts show / ack', () => {
  it('show prints every piece of evidence, sanitised', async () => {
    const text = await run('show', 'A2', '--db', dbPath);
    expect(text).toMatch(/^rule\.id\s+gw\.dji\.endpoint$/m);
    expect(text).toMatch(/^groundwatch\.reasons\.0\s+/m);
    expect(text).toMatch(/^destination\.as\.number\s+16509$/m);
    expect(text).not.toMatch(/[\u001b\u0007]/);
    expect(JSON.parse(await run('show', 'A2', '--db', dbPath, '--format', 'ndjson'))).toEqual({ ...A2, groundwatch: { ...A2.groundwatch, acknowledgements: [] } });
  });

  it('ack records who and why, keeps the alert unchanged, and shows up in show', async () => {
    const raw = new Database(dbPath, { readonly: true });
    const before = raw.prepare("SELECT * FROM alerts WHERE id = 'A1'").get();
    raw.close();
    const out = await run('ack', 'A1', '--db', dbPath, '--note', 'customer CDN, approved', '--by', 'sgt.miller');
    expect(out).toMatch(/^acknowledged A1 by sgt\.miller at \d{4}-\d\d-\d\dT/);
    const after = new Database(dbPath, { readonly: true });
    expect(after.prepare("SELECT * FROM alerts WHERE id = 'A1'").get()).toEqual(before);
    after.close();
    expect(await run('show', 'A1', '--db', dbPath)).toMatch(/^ack\.0\s+\S+ by sgt\.miller: customer CDN, approved$/m);
    // CSV: acked, then the latest acknowledgement (at, by, note), run, capture file and packet, id.
    expect((await run('list', '--db', dbPath, '--format', 'csv', '--rule', 'gw.cn.located')).split('\r\n')[1]).toMatch(
      /,true,\d{4}-\d\d-\d\dT[\d:.]+Z,sgt\.miller,"customer CDN, approved",,,,A1$/,
    );
  });

  it('unknown ids -> NOT_FOUND; missing store -> DB_OPEN_FAILED; --note is required', async () => {
    await expect(run('show', 'nope', '--db', dbPath)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(run('ack', 'nope', '--db', dbPath, '--note', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(run('ack', 'A1', '--db', join(dir, 'missing.db'), '--note', 'x')).rejects.toMatchObject({ code: 'DB_OPEN_FAILED' });
    await expect(run('show', 'A1', '--db', join(dir, 'missing.db'))).rejects.toMatchObject({ code: 'DB_OPEN_FAILED' });
    await expect(run('ack', 'A1', '--db', dbPath)).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
  });
});
