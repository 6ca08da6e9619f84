/**
 * Issue 16: "Checkpoints are stored and, once delivery exists, delivered off the box like
 * alerts". From the built CLI: a signed replay with --deliver to a local webhook receiver
 * delivers the run's final checkpoint; the oracle is the store (its latest checkpoint, the log's
 * size) and the public key `keys init` wrote, read with the integrity module's own verifier.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../src/integrity/checkpoint.js';
import { parseVerifierKey } from '../../src/integrity/note-keys.js';
import { verifyNote } from '../../src/integrity/signed-note.js';
import { REPO_ROOT, runCli, runCliAsync } from '../support/cli.js';
import { HttpReceiver } from './http-receiver.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

describe('checkpoints go off the box through the outbox', () => {
  it('replay --deliver delivers the final checkpoint; its note verifies against the key used', async () => {
    const r = new HttpReceiver();
    const port = await r.listen();
    cleanup.push(() => r.close());
    const dir = mkdtempSync(join(tmpdir(), 'gw-cp-deliver-'));
    const keys = join(dir, 'keys');
    expect(runCli(['keys', 'init', '--dir', keys, '--name', 'groundwatch/cp-deliver-test']).status).toBe(0);
    const db = join(dir, 'store.db');
    const run = await runCliAsync(['replay', FIXTURE, '--db', db, '--key-dir', keys, '--format', 'text', '--fail-on', 'never', '--deliver', `http://127.0.0.1:${port}/hook`]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const store = new Database(db, { readonly: true });
    const latest = store.prepare('SELECT tree_size, note FROM integrity_checkpoints ORDER BY rowid DESC LIMIT 1').get() as { tree_size: number; note: string };
    const logSize = (store.prepare('SELECT count(*) AS n FROM integrity_log').get() as { n: number }).n;
    const outbox = store.prepare("SELECT state, destination FROM outbox WHERE kind = 'checkpoint'").all() as { state: string; destination: string }[];
    store.close();
    // The final checkpoint covers the whole log of the run.
    expect(latest.tree_size).toBe(logSize);
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.every((o) => o.state === 'delivered' && o.destination === `http://127.0.0.1:${port}/hook`)).toBe(true);

    const delivered = [...r.accepted].filter((id) => id.startsWith('checkpoint-'));
    const bodies = delivered.map((id) => JSON.parse(r.bodies.get(id)!) as { groundwatch: { checkpoint: { tree_size: number; note: string } } });
    const final = bodies.find((b) => b.groundwatch.checkpoint.tree_size === logSize);
    expect(final, `delivered checkpoints: ${delivered.join(', ')}`).toBeDefined();
    expect(final!.groundwatch.checkpoint.note).toBe(latest.note);
    const key = parseVerifierKey(readFileSync(join(keys, 'checkpoint.pub'), 'utf8').trim());
    expect(verifyNote(parseCheckpoint(final!.groundwatch.checkpoint.note), key)).toEqual({ ok: true });
    // And one altered byte in the delivered note does not verify: the check can fail.
    const forged = final!.groundwatch.checkpoint.note.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) - 1}\n`);
    expect(verifyNote(parseCheckpoint(forged), key)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
