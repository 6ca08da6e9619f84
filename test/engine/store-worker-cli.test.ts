/**
 * The store's writer thread (issue 18), from the built CLI as a user runs it (the default), against
 * independent oracles (these captures are small, so the tests ask for the thread: GROUNDWATCH_STORE_THREAD=worker):
 * the same replay with the store in-thread (GROUNDWATCH_STORE_THREAD=main) read
 * with the sqlite3 shell, and the NDJSON file, which another sink writes from the same record text.
 * A writer that crashes mid-run (test/engine/store-fakes/crash-preload.cjs; nothing in src/ knows of
 * it) ends the run with one STORE_WORKER_FAILED line and exit 2, keeping what was committed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { SMALL_REPLAY_BYTES } from '../../src/engine/store-open.js';
import { readStoredText } from '../../src/sinks/stored-record-reader.js';
import { CLI, REPO_ROOT } from '../support/cli.js';
import { writeSteadyCapture } from '../sinks/burst-capture.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
const FAKES = join(REPO_ROOT, 'test/engine/store-fakes');
/** Enough flows for many flushes, so several batches are in flight at once. */
const FLOWS = 6000;

let dir = '';
let steady = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-store-worker-'));
  steady = join(dir, 'steady.pcap');
  writeSteadyCapture(steady, FLOWS, 2, 5);
});

function gw(args: string[], opts: { env?: NodeJS.ProcessEnv; require?: string } = {}) {
  const r = spawnSync(process.execPath, [...(opts.require ? ['--require', opts.require] : []), CLI, ...args], {
    cwd: REPO_ROOT,
    // These captures are small: a replay would keep their store in-thread (store-open.ts SMALL_REPLAY_BYTES) unless told.
    env: { ...process.env, GROUNDWATCH_STORE_THREAD: 'worker', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

function sqlite(db: string, sql: string): string {
  const r = spawnSync('sqlite3', ['-batch', db, sql], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`sqlite3 failed (apt-get install sqlite3): ${r.stderr}`);
  return r.stdout;
}

/** A table's rows as the sqlite3 shell prints them, every column but the record pointer, in a stable order. */
function tableDump(db: string, table: string): string {
  const cols = sqlite(db, `SELECT name FROM pragma_table_info('${table}')`).split('\n').filter((c) => c && c !== 'record' && c !== 'rowid');
  return sqlite(db, `SELECT ${cols.join(', ')} FROM ${table} ORDER BY ${cols.join(', ')}`);
}

function replay(db: string, ndjson: string, thread: 'worker' | 'main') {
  return gw(['replay', FIXTURE, steady, '--db', db, '--ndjson', ndjson, '--format', 'ndjson', '--events', 'alerts', '--fail-on', 'never'], {
    env: thread === 'main' ? { GROUNDWATCH_STORE_THREAD: 'main' } : {},
  });
}

describe('the store written by its worker thread', () => {
  it('holds the rows the in-thread store holds, and each flow and DNS record as the exact text the NDJSON file got', () => {
    const runs = (['worker', 'main'] as const).map((thread) => {
      const db = join(dir, `${thread}.db`);
      const ndjson = join(dir, `${thread}.ndjson`);
      const r = replay(db, ndjson, thread);
      expect(r.status, r.stderr).toBe(0);
      return { db, ndjson, runId: sqlite(db, 'SELECT id FROM runs').trim() };
    });
    const [worker, main] = runs as [(typeof runs)[0], (typeof runs)[0]];
    const counts = (db: string) => sqlite(db, "SELECT (SELECT count(*) FROM flows), (SELECT count(*) FROM dns), (SELECT count(*) FROM alerts), (SELECT count(*) FROM integrity_log), (SELECT count(*) FROM runs WHERE ended_at IS NOT NULL)");
    expect(counts(worker.db)).toBe(counts(main.db));
    expect(Number(sqlite(worker.db, 'SELECT count(*) FROM flows'))).toBeGreaterThanOrEqual(FLOWS);
    for (const table of ['flows', 'dns', 'alerts']) {
      expect(tableDump(worker.db, table), table).toBe(tableDump(main.db, table).replaceAll(main.runId, worker.runId));
    }
    // The record blocks hold the pipeline's JSON text byte for byte: the NDJSON sink wrote the same text.
    const lines = readFileSync(worker.ndjson, 'utf8').split('\n').filter(Boolean);
    const store = new Database(worker.db, { readonly: true });
    try {
      for (const [table, dataset] of [['flows', 'groundwatch.flow'], ['dns', 'groundwatch.dns']] as const) {
        const stored = (store.prepare(`SELECT record FROM ${table}`).raw().all() as [unknown][]).map(([v]) => readStoredText(store, v)).sort();
        const logged = lines.filter((l) => JSON.parse(l).event.dataset === dataset).sort();
        expect(stored.length, table).toBe(logged.length);
        expect(stored, table).toEqual(logged);
      }
    } finally {
      store.close();
    }
  }, 240_000);

  it('a writer that crashes mid-run: one STORE_WORKER_FAILED line, exit 2, no hang; what it committed stays', () => {
    const db = join(dir, 'crash.db');
    const started = Date.now();
    const r = gw(['replay', steady, '--db', db, '--format', 'text', '--fail-on', 'never', '--no-summary'], {
      require: join(FAKES, 'crash-preload.cjs'),
      env: { GW_TEST_CRASH_AT_BATCH: '3' },
    });
    expect(r.signal, 'killed by the timeout: the run hung').toBeNull();
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.status, r.stderr).toBe(2);
    const fatal = r.stderr.split('\n').filter((l) => l.includes('STORE_WORKER_FAILED'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/^groundwatch: STORE_WORKER_FAILED: the store's writer thread failed: boom \(test: the store writer crashes\); /);
    expect(r.stderr).toMatch(/^groundwatch: SINK_FAILED: sink sqlite: the store's writer thread failed/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // Two batches were committed before the crash: the run row and their flows are in the store.
    expect(Number(sqlite(db, 'SELECT count(*) FROM runs'))).toBe(1);
    expect(Number(sqlite(db, 'SELECT count(*) FROM flows'))).toBeGreaterThan(0);
    expect(sqlite(db, 'PRAGMA integrity_check').trim()).toBe('ok');
  }, 120_000);

  it('replay --no-db does not load worker_threads; with a store it does', () => {
    const log = join(FAKES, 'log-worker-threads.cjs');
    const args = ['replay', FIXTURE, '--format', 'text', '--fail-on', 'never', '--no-summary'];
    const without = gw([...args, '--no-db'], { require: log });
    expect(without.status, without.stderr).toBe(0);
    expect(without.stderr).not.toContain('test-preload: worker_threads loaded');
    const withStore = gw([...args, '--db', join(dir, 'load.db')], { require: log });
    expect(withStore.status, withStore.stderr).toBe(0);
    expect(withStore.stderr).toContain('test-preload: worker_threads loaded');
  }, 60_000);

  it('a small capture keeps its store in-thread unless $GROUNDWATCH_STORE_THREAD asks for the writer thread', () => {
    const log = join(FAKES, 'log-worker-threads.cjs');
    expect(statSync(FIXTURE).size).toBeLessThan(SMALL_REPLAY_BYTES);
    const args = ['replay', FIXTURE, '--format', 'text', '--fail-on', 'never', '--no-summary'];
    const small = gw([...args, '--db', join(dir, 'small.db')], { require: log, env: { GROUNDWATCH_STORE_THREAD: '' } });
    expect(small.status, small.stderr).toBe(0);
    expect(small.stderr).not.toContain('test-preload: worker_threads loaded');
    // The same rows either way: the sqlite3 shell counts what the in-thread store wrote.
    expect(Number(sqlite(join(dir, 'small.db'), 'SELECT count(*) FROM flows'))).toBeGreaterThan(0);
    const forced = gw([...args, '--db', join(dir, 'forced.db')], { require: log, env: { GROUNDWATCH_STORE_THREAD: 'worker' } });
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('test-preload: worker_threads loaded');
    expect(sqlite(join(dir, 'forced.db'), 'SELECT count(*) FROM flows')).toBe(sqlite(join(dir, 'small.db'), 'SELECT count(*) FROM flows'));
  }, 60_000);
});
