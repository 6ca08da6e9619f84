/**
 * From the built CLI: `replay --deliver` to a webhook receiver, with the receiver
 * down (exit 3, rows stay; `outbox flush` delivers all and exits 0), with `--no-db`
 * (summary says what was lost, exit 3), and `kill -9` while a send is in flight (the
 * same alert id is sent again after the restart). Expected ids come from the store's
 * alerts table of the same run, not from the delivery path.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, runCliAsync } from '../support/cli.js';
import { HttpReceiver } from './http-receiver.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function alertIds(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

/**
 * The run's integrity checkpoints as outbox message ids (checkpoint-message.ts's rule), from the
 * store's integrity_checkpoints table: each checkpoint written is delivered too (issue 16).
 */
function checkpointIds(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT tree_size, root_hash FROM integrity_checkpoints ORDER BY rowid').all() as { tree_size: number; root_hash: Buffer }[])
      .map((c) => `checkpoint-${c.tree_size}-${c.root_hash.subarray(0, 8).toString('hex')}`);
  } finally {
    db.close();
  }
}

/** Every message the run queued: its alerts and its checkpoints. */
const messageIds = (dbPath: string): string[] => [...alertIds(dbPath), ...checkpointIds(dbPath)].sort();

async function receiver(script: ConstructorParameters<typeof HttpReceiver>[0] = []): Promise<{ r: HttpReceiver; port: number }> {
  const r = new HttpReceiver(script);
  const port = await r.listen();
  cleanup.push(() => r.close());
  return { r, port };
}

/** A port nothing listens on: bind, read the port, close. */
async function deadPort(): Promise<number> {
  const { r, port } = await receiver();
  await r.close();
  return port;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'gw-deliver-cli-'));

describe('replay --deliver (webhook) from the CLI', () => {
  it('delivers every alert of the run exactly once, and says so in the summary', async () => {
    const { r, port } = await receiver();
    const db = join(tmp(), 'store.db');
    const run = await runCliAsync(['replay', FIXTURE, '--db', db, '--format', 'text', '--fail-on', 'never', '--deliver', `http://127.0.0.1:${port}/hook`]);
    expect(run.status).toBe(0);
    const ids = messageIds(db);
    expect(alertIds(db).length).toBeGreaterThan(10);
    expect(checkpointIds(db).length).toBeGreaterThan(0);
    expect([...r.accepted].sort()).toEqual(ids);
    expect(run.stdout).toMatch(new RegExp(`delivery  queued ${ids.length}, delivered ${ids.length}, retried 0, dropped 0, disabled 0; waited [0-9.]+ s; http://127.0.0.1:${port}/hook all delivered`));
  });

  it('the groundwatch.stats record carries the delivery counters (queued = alerts of the store)', async () => {
    const { port } = await receiver();
    const db = join(tmp(), 'store.db');
    const run = await runCliAsync(['replay', FIXTURE, '--db', db, '--format', 'ndjson', '--events', 'all', '--fail-on', 'never', '--deliver', `http://127.0.0.1:${port}/hook`]);
    expect(run.status).toBe(0);
    const stats = run.stdout.split('\n').filter((l) => l.includes('"groundwatch.stats"')).map((l) => JSON.parse(l) as { groundwatch: { stats: Record<string, any> } });
    const final = stats.at(-1)!.groundwatch.stats;
    // The end-of-run wait comes before the final stats record: it counts what was delivered. The
    // run's final checkpoint is written after that record (it covers it), so it is not counted there.
    const queued = alertIds(db).length + checkpointIds(db).length - 1;
    expect(final['delivery']).toMatchObject({ queued, delivered: queued, pending: 0, dropped: 0, disabled: 0 });
    expect(Object.keys(final['delivery']).sort()).toEqual(['delivered', 'disabled', 'dropped', 'heartbeats', 'oldest_pending_s', 'pending', 'queued', 'retried']);
    expect(final['counters']['delivery.queued']).toBe(queued);
  });

  it('receiver down: exit 3, rows stay; outbox list shows them; outbox flush delivers all and exits 0, a second flush too', async () => {
    const port = await deadPort();
    const db = join(tmp(), 'store.db');
    const url = `http://127.0.0.1:${port}/hook`;
    const run = await runCliAsync(['replay', FIXTURE, '--db', db, '--fail-on', 'never', '--format', 'ndjson', '--deliver', url, '--deliver-timeout', '1']);
    expect(run.status).toBe(3);
    const ids = messageIds(db);
    expect(run.stderr).toContain(`groundwatch: DELIVERY_INCOMPLETE: ${ids.length} messages not delivered`);
    const list = await runCliAsync(['outbox', 'list', '--db', db, '--format', 'ndjson']);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([expect.objectContaining({ destination: url, pending: ids.length, delivered: 0, disabled: 0, last_error: expect.stringMatching(/ECONNREFUSED|refused/) })]);

    const flushDown = await runCliAsync(['outbox', 'flush', '--db', db, '--deliver', url, '--timeout', '1']);
    expect(flushDown.status).toBe(3);
    const { r } = await (async () => {
      const rec = new HttpReceiver();
      await rec.listen(port);
      cleanup.push(() => rec.close());
      return { r: rec };
    })();
    const flush = await runCliAsync(['outbox', 'flush', '--db', db, '--deliver', url]);
    expect(flush.stderr).toBe('');
    expect(flush.status).toBe(0);
    expect([...r.accepted].sort()).toEqual(ids);
    const again = await runCliAsync(['outbox', 'flush', '--db', db, '--deliver', url]);
    expect(again.status).toBe(0);
    expect(r.accepted).toHaveLength(ids.length);
  });

  it('--no-db: direct delivery within the wait; what could not be delivered is named as lost, exit 3', async () => {
    const port = await deadPort();
    const dir = tmp();
    const run = await runCliAsync(['replay', FIXTURE, '--no-db', '--ndjson', join(dir, 'out.ndjson'), '--fail-on', 'never', '--format', 'text', '--deliver', `http://127.0.0.1:${port}/hook`, '--deliver-timeout', '1']);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/delivery .* undelivered, not delivered and lost \(--no-db: no outbox\)/);
    expect(run.stderr).toMatch(/DELIVERY_INCOMPLETE: \d+ messages not delivered .*with --no-db there is no outbox: they are lost/);
  });

  it('kill -9 while a send waits for its acknowledgement: after the restart the same alert id is sent again, nothing lost', async () => {
    const { r, port } = await receiver(['hang']);
    const db = join(tmp(), 'store.db');
    const url = `http://127.0.0.1:${port}/hook?timeout_ms=60000`;
    const child = spawn(process.execPath, [CLI, 'replay', FIXTURE, '--db', db, '--fail-on', 'never', '--format', 'ndjson', '--deliver', url, '--deliver-timeout', '60'], { cwd: REPO_ROOT, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const inFlight = await r.nextRequest();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(r.accepted).toEqual([]);
    const ids = messageIds(db);
    expect(ids).toContain(inFlight);
    // "Restart": the outbox still has the row in flight as pending; flushing sends it again, same id.
    const flush = await runCliAsync(['outbox', 'flush', '--db', db, '--deliver', url]);
    expect(flush.status).toBe(0);
    expect(r.requests.filter((id) => id === inFlight).length).toBeGreaterThanOrEqual(2);
    expect([...new Set(r.accepted)].sort()).toEqual(ids);
  });
});

describe('outbox commands', () => {
  it('retry <id> makes a disabled row due; purge removes delivered only unless --all --yes', async () => {
    const { r, port } = await receiver([{ status: 410 }]);
    const db = join(tmp(), 'store.db');
    const url = `http://127.0.0.1:${port}/hook`;
    const run = await runCliAsync(['replay', FIXTURE, '--db', db, '--fail-on', 'never', '--format', 'ndjson', '--deliver', url, '--deliver-timeout', '2']);
    expect(run.status).toBe(3);
    expect(run.stderr.match(/DELIVERY_DISABLED/g)).toHaveLength(1);
    const first = r.requests[0]!;
    expect((await runCliAsync(['outbox', 'retry', 'no-such-id', '--db', db])).stderr).toMatch(/^groundwatch: NOT_FOUND: /);
    expect((await runCliAsync(['outbox', 'retry', first, '--db', db])).status).toBe(0);
    expect((await runCliAsync(['outbox', 'purge', '--all', '--db', db])).stderr).toMatch(/^groundwatch: USAGE: .*--yes/);
    const flush = await runCliAsync(['outbox', 'flush', '--db', db, '--deliver', url, '--timeout', '5']);
    // Pending: the retried row, and the run's final checkpoint, queued as the store closed after
    // the 410 had disabled what was pending then. The others stay disabled: exit 3.
    const finalCheckpoint = checkpointIds(db).at(-1)!;
    expect([...r.accepted].sort()).toEqual([first, finalCheckpoint].sort());
    expect(flush.status).toBe(3);
    expect((await runCliAsync(['outbox', 'purge', '--db', db])).stdout).toBe('2 outbox rows removed\n');
    const all = await runCliAsync(['outbox', 'purge', '--all', '--yes', '--db', db]);
    expect(all.stdout).toBe(`${messageIds(db).length - 2} outbox rows removed\n`);
    expect((await runCliAsync(['outbox', 'flush', '--db', db, '--deliver', url])).status).toBe(0);
  });
});
