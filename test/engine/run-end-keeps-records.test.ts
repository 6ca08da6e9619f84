/**
 * Whatever ends a run, even a bug, what was already written stays: the
 * store commits the run's row, the flows and the alerts the NDJSON log got
 * before the failure (red team r1: exit 70 left the store empty).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runReplay } from '../../src/engine/replay.js';
import { Pipeline } from '../../src/pipeline.js';
import { REPO_ROOT } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');

afterEach(() => {
  vi.restoreAllMocks();
});

async function replayUntilFailure(): Promise<{ error: unknown; db: string; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-fail-'));
  const db = join(dir, 'gw.db');
  const log = join(dir, 'records.ndjson');
  const error = await runReplay({
    files: [FIXTURE],
    failOn: 'never',
    dbPath: db,
    ndjsonFile: log,
    stdoutFormat: 'none',
    events: 'all',
    stdout: new Writable({ write: (_c, _e, cb) => cb() }),
    warn: () => undefined,
    batchSize: 32,
  }).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { error, db, log };
}

/** What the NDJSON log and the store hold: alert ids, flow uids, runs. */
function compare(db: string, log: string) {
  const records = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const logged = {
    alerts: [...new Set(records.filter((x) => x.event.dataset === 'groundwatch.alert').map((x) => x.event.id as string))].sort(),
    flows: records.filter((x) => x.event.dataset === 'groundwatch.flow').map((x) => x.groundwatch.flow.uid as string).sort(),
  };
  const store = new Database(db, { readonly: true });
  const stored = {
    alerts: (store.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: string }[]).map((x) => x.id),
    flows: (store.prepare('SELECT uid FROM flows ORDER BY uid').all() as { uid: string }[]).map((x) => x.uid),
  };
  const runs = store.prepare('SELECT ended_at FROM runs').all() as { ended_at: string | null }[];
  store.close();
  return { logged, stored, runs };
}

describe('a run ended by an internal error', () => {
  it('mid-input: the store keeps the run, flows and alerts written before it', async () => {
    const real = Pipeline.prototype.processBatch;
    let calls = 0;
    vi.spyOn(Pipeline.prototype, 'processBatch').mockImplementation(function (this: Pipeline, batch) {
      if (++calls === 6) throw new Error('injected failure in batch 6');
      real.call(this, batch);
    });
    const { error, db, log } = await replayUntilFailure();
    expect((error as Error).message).toBe('injected failure in batch 6');
    const { logged, stored, runs } = compare(db, log);
    expect(logged.alerts.length).toBeGreaterThan(0);
    expect(stored).toEqual(logged);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.ended_at).not.toBeNull();
  });

  it('while ending the open flows: the store still keeps the run, flows and alerts written before it', async () => {
    const real = Pipeline.prototype.finishSome;
    vi.spyOn(Pipeline.prototype, 'finishSome').mockImplementation(function (this: Pipeline, reason, _max) {
      // One flow ends normally, then ending the next fails as a bad record would (before any flush).
      real.call(this, reason, 1);
      throw new Error('injected failure ending flows');
    });
    const { error, db, log } = await replayUntilFailure();
    expect((error as Error).message).toBe('injected failure ending flows');
    const { logged, stored, runs } = compare(db, log);
    expect(logged.alerts.length).toBeGreaterThan(0);
    expect(logged.flows.length).toBeGreaterThan(0);
    expect(stored).toEqual(logged);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.ended_at).not.toBeNull();
  });
});
