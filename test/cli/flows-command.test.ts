import { Command } from 'commander';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerFlowsCommands } from '../../src/cli/flows-command.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { makeFlow } from '../sinks/fixtures.js';

let dbPath: string;
const dir = mkdtempSync(join(tmpdir(), 'gw-flows-cli-'));

beforeAll(async () => {
  dbPath = join(dir, 'store.db');
  const sink = new SqliteSink(openStore(dbPath));
  sink.write(makeFlow({ uid: 'F1', ts: '2021-09-01T10:00:00.000000000Z', dst: '47.88.1.2', dport: 443, domain: 'mydjiflight.dji.com', country: 'CN' }));
  sink.write(makeFlow({ uid: 'F2', ts: '2021-09-02T10:00:00.000000000Z', dst: '8.8.8.8', dport: 53, transport: 'udp', country: 'US' }));
  sink.write(makeFlow({ uid: 'F3', ts: '2021-09-03T10:00:00.000000000Z', dst: '1.2.3.4', dport: 443, domain: '\u001b[2J=cmd|calc\u202e.example', country: 'DE' }));
  await sink.close();
});

async function run(...args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride();
  registerFlowsCommands(program, { stdout: { write: (s: string) => { out += s; } } });
  await program.parseAsync(['node', 'groundwatch', 'flows', 'list', ...args]);
  return out;
}

describe('flows list', () => {
  it('prints a table with a header and one line per flow, newest first', async () => {
    const lines = (await run('--db', dbPath)).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^start\s+source\s+destination\s+name\s+cc\s+asn\s+out\s+in\s+uid$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('1.2.3.4');
    expect(lines[3]).toContain('mydjiflight.dji.com');
  });

  it('passes each filter through', async () => {
    const ndjson = async (...a: string[]) => (await run('--db', dbPath, '--format', 'ndjson', ...a)).trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l).groundwatch.flow.uid);
    expect(await ndjson('--port', '443')).toEqual(['F3', 'F1']);
    expect(await ndjson('--domain', 'dji.com')).toEqual(['F1']);
    expect(await ndjson('--transport', 'udp')).toEqual(['F2']);
    expect(await ndjson('--country', 'cn')).toEqual(['F1']);
    expect(await ndjson('--ip', '8.8.8.8')).toEqual(['F2']);
    expect(await ndjson('--dst', '47.88.1.2')).toEqual(['F1']);
    expect(await ndjson('--src', '192.168.1.20', '--limit', '1')).toEqual(['F3']);
    expect(await ndjson('--since', '2021-09-02', '--until', '2021-09-03')).toEqual(['F2']);
  });

  it('ndjson prints the exact records', async () => {
    const recs = (await run('--db', dbPath, '--format', 'ndjson', '--country', 'DE')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(recs).toEqual([makeFlow({ uid: 'F3', ts: '2021-09-03T10:00:00.000000000Z', dst: '1.2.3.4', dport: 443, domain: '\u001b[2J=cmd|calc\u202e.example', country: 'DE' })]);
  });

  it('table and csv never print the hostile name raw', async () => {
    for (const format of ['table', 'csv']) {
      const out = await run('--db', dbPath, '--format', format, '--country', 'DE');
      expect(out).not.toMatch(/[\u001b\u202e]/);
      expect(out).toContain('\\x1b[2J=cmd|calc\\u202e.example');
    }
  });

  it('a missing store -> DB_OPEN_FAILED, and no empty database is created', async () => {
    const missing = join(dir, 'nope.db');
    await expect(run('--db', missing)).rejects.toMatchObject({ code: 'DB_OPEN_FAILED' });
    expect(existsSync(missing)).toBe(false);
  });

  it('bad flag values -> USAGE', async () => {
    await expect(run('--db', dbPath, '--format', 'xml')).rejects.toMatchObject({ code: 'USAGE' });
    await expect(run('--db', dbPath, '--port', '70000')).rejects.toMatchObject({ code: 'USAGE' });
    await expect(run('--db', dbPath, '--limit', '-1')).rejects.toMatchObject({ code: 'USAGE' });
    await expect(run('--db', dbPath, '--since', 'last tuesday')).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('a filter the store rejects is reported under the flag the user typed', async () => {
    await expect(run('--db', dbPath, '--until', 'last tuesday')).rejects.toThrow(/^--until: expected a date/);
  });

  it('uses $GROUNDWATCH_DB when --db is not given', async () => {
    const saved = process.env['GROUNDWATCH_DB'];
    process.env['GROUNDWATCH_DB'] = dbPath;
    try {
      expect((await run('--format', 'csv')).split('\r\n')).toHaveLength(5);
    } finally {
      if (saved === undefined) delete process.env['GROUNDWATCH_DB'];
      else process.env['GROUNDWATCH_DB'] = saved;
    }
  });
});
