/**
 * Which store the review commands read without --db: --db, $GROUNDWATCH_DB,
 * ./groundwatch.db, the config file's db ($GROUNDWATCH_CONFIG), the state
 * directory ($STATE_DIRECTORY); none found is one DB_NOT_FOUND line naming
 * each place tried. Every store here holds a different number of acks, so the
 * rows `alerts show` reads say which file was opened.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ackAlert } from '../../src/sinks/queries.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { makeAlert, makeRun } from '../sinks/fixtures.js';
import { runCli } from '../support/cli.js';

/** A store whose one alert (id A1) carries an ack naming the store. */
async function store(path: string, label: string): Promise<string> {
  const sink = new SqliteSink(openStore(path));
  sink.startRun(makeRun(`R-${label}`));
  sink.write(makeAlert({ id: 'A1' }));
  await sink.flush();
  ackAlert(sink.db, 'A1', { note: label, by: 'test' });
  await sink.close();
  return path;
}

function whichStore(cwd: string, env: Record<string, string>, args: string[] = []): { label?: string; stderr: string; status: number | null } {
  const r = runCli(['alerts', 'show', 'A1', '--format', 'text', ...args], { cwd, env: { GROUNDWATCH_DB: '', GROUNDWATCH_CONFIG: join(cwd, 'no-such.yaml'), STATE_DIRECTORY: join(cwd, 'no-state'), ...env } });
  const m = /^ack\.0\s+\S+ by test: (\S+)$/m.exec(r.stdout);
  return { ...(m ? { label: m[1] } : {}), stderr: r.stderr, status: r.status };
}

describe('store discovery for review commands', () => {
  it('takes --db, then $GROUNDWATCH_DB, then ./groundwatch.db, then the config file db, then the state directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-discovery-'));
    const cwd = join(dir, 'work');
    const state = join(dir, 'state');
    mkdirSync(cwd);
    mkdirSync(state);
    const flagDb = await store(join(dir, 'flag.db'), 'flag');
    const envDb = await store(join(dir, 'env.db'), 'env');
    const configDb = await store(join(dir, 'config.db'), 'config');
    await store(join(state, 'groundwatch.db'), 'state');
    const config = join(dir, 'groundwatch.yaml');
    writeFileSync(config, `interface: eth1\ndb: ${configDb}\n`);

    // Only the state directory's store: found there.
    expect(whichStore(cwd, { STATE_DIRECTORY: state }).label).toBe('state');
    // The config file's db beats the state directory.
    expect(whichStore(cwd, { STATE_DIRECTORY: state, GROUNDWATCH_CONFIG: config }).label).toBe('config');
    // ./groundwatch.db (what replay writes here) beats the config file.
    await store(join(cwd, 'groundwatch.db'), 'cwd');
    expect(whichStore(cwd, { STATE_DIRECTORY: state, GROUNDWATCH_CONFIG: config }).label).toBe('cwd');
    // $GROUNDWATCH_DB beats all of those, --db beats it.
    expect(whichStore(cwd, { STATE_DIRECTORY: state, GROUNDWATCH_CONFIG: config, GROUNDWATCH_DB: envDb }).label).toBe('env');
    expect(whichStore(cwd, { STATE_DIRECTORY: state, GROUNDWATCH_CONFIG: config, GROUNDWATCH_DB: envDb }, ['--db', flagDb]).label).toBe('flag');
  }, 120_000);

  it('none found: one DB_NOT_FOUND line naming every place tried, exit 2', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gw-discovery-none-'));
    const config = join(cwd, 'groundwatch.yaml');
    writeFileSync(config, 'interface: eth1\ndb: false\n');
    const r = whichStore(cwd, { GROUNDWATCH_CONFIG: config });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'groundwatch: DB_NOT_FOUND: no store found: tried --db (not given), $GROUNDWATCH_DB (not set), ./groundwatch.db (missing), ' +
        `config file ${config} (db: false), ${join(cwd, 'no-state')}/groundwatch.db (missing); give --db <path> or set GROUNDWATCH_DB`,
    );
  });

  it('an explicit store that does not exist is not replaced by another one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gw-discovery-explicit-'));
    await store(join(cwd, 'groundwatch.db'), 'cwd');
    const r = whichStore(cwd, { GROUNDWATCH_DB: join(cwd, 'typo.db') });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: DB_OPEN_FAILED: cannot open store .*typo\.db: no such file\n$/);
  });
});
