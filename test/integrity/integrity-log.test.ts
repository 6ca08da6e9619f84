/**
 * The running log on a real store: checkpoints at most every interval while
 * entries arrive, none when nothing changed, entries that roll back with their
 * row, inclusion proofs that verify against the stored checkpoint's signed root.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../src/integrity/checkpoint.js';
import { checkpointMessage } from '../../src/integrity/checkpoint-message.js';
import { IntegrityLog } from '../../src/integrity/integrity-log.js';
import { entryBytesOf, entryIndexForAlert, inclusionProofFor, latestCheckpoint, logSize, storedCheckpoints } from '../../src/integrity/log-store.js';
import { leafHash, rootOf, verifyInclusion } from '../../src/integrity/merkle.js';
import { generateSigner } from '../../src/integrity/note-keys.js';
import { verifyNote } from '../../src/integrity/signed-note.js';
import { openStore } from '../../src/sinks/sqlite-store.js';

function store() {
  return openStore(join(mkdtempSync(join(tmpdir(), 'gw-log-')), 'g.db'));
}

function addStats(db: ReturnType<typeof store>, log: IntegrityLog, n = 1): void {
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const info = db.prepare("INSERT INTO stats (run_id, ts, record) VALUES ('r', '2026-01-01T00:00:00Z', '{}')").run();
      log.logRow('stats', String(info.lastInsertRowid));
    }
  })();
}

describe('IntegrityLog', () => {
  it('writes a checkpoint at most once per interval while entries arrive, and none when nothing changed', () => {
    const db = store();
    let now = Date.parse('2026-12-01T00:00:00Z');
    const log = new IntegrityLog(db, { checkpointIntervalMs: 60_000, now: () => new Date(now) });
    addStats(db, log);
    expect(log.maybeCheckpoint()?.tree_size).toBe(1);
    now += 30_000;
    addStats(db, log);
    expect(log.maybeCheckpoint()).toBeUndefined();
    now += 31_000;
    expect(log.maybeCheckpoint()?.tree_size).toBe(2);
    now += 120_000;
    expect(log.maybeCheckpoint()).toBeUndefined(); // nothing new
    expect(log.checkpoint()).toBeUndefined();
    expect(storedCheckpoints(db).map((c) => c.tree_size)).toEqual([1, 2]);
    expect(parseCheckpoint(latestCheckpoint(db)?.note ?? '').origin).toBe('groundwatch/unsigned');
  });

  it('an entry rolls back with its row: numbering stays gapless and the root is the root of what committed', () => {
    const db = store();
    const log = new IntegrityLog(db);
    addStats(db, log, 3);
    expect(() =>
      db.transaction(() => {
        const info = db.prepare("INSERT INTO stats (run_id, ts, record) VALUES ('r', 't', '{}')").run();
        log.logRow('stats', String(info.lastInsertRowid));
        throw new Error('disk full');
      })(),
    ).toThrow('disk full');
    addStats(db, log);
    expect(logSize(db)).toBe(4);
    expect((db.prepare('SELECT idx FROM integrity_log ORDER BY idx').raw().all() as number[][]).flat()).toEqual([0, 1, 2, 3]);
    const cp = log.checkpoint();
    // Entries are stored compressed (stored-record.ts): the leaf is the hash of their canonical bytes.
    const entries = (db.prepare('SELECT entry FROM integrity_log ORDER BY idx').raw().all() as Buffer[][]).map(([e]) => leafHash(entryBytesOf(e)));
    expect(cp?.root_hash.equals(rootOf(entries))).toBe(true);
  });

  it('inclusion proofs verify against the signed root of the latest checkpoint', () => {
    const db = store();
    const signer = generateSigner('groundwatch/unit');
    const log = new IntegrityLog(db, { signer });
    addStats(db, log, 7);
    log.checkpoint();
    addStats(db, log, 2); // after the checkpoint: proofs are for the checkpointed tree
    const cp = parseCheckpoint(latestCheckpoint(db)?.note ?? '');
    expect(verifyNote(cp, signer)).toEqual({ ok: true });
    for (let i = 0; i < 7; i++) {
      const p = inclusionProofFor(db, i);
      expect(p.treeSize).toBe(7);
      expect(verifyInclusion(i, cp.size, p.leafHash, p.proof, cp.root)).toBe(true);
    }
    expect(() => inclusionProofFor(db, 8)).toThrow(RangeError);
    expect(entryIndexForAlert(db, 'nope')).toBeUndefined();
  });

  it('yields a checkpoint as an outgoing message of kind checkpoint carrying the note', () => {
    const db = store();
    const log = new IntegrityLog(db, { signer: generateSigner('groundwatch/unit') });
    addStats(db, log, 2);
    const cp = log.checkpoint();
    if (!cp) throw new Error('no checkpoint');
    const msg = checkpointMessage(cp);
    expect(msg.kind).toBe('checkpoint');
    expect(JSON.parse(msg.json).groundwatch.checkpoint.note).toBe(cp.note);
    expect(msg.summary['checkpoint_size']).toBe('2');
  });
});

describe('a store that predates the log', () => {
  it('is migrated with its rows listed as baseline: verify passes and says they are not covered', async () => {
    const { default: Database } = await import('better-sqlite3');
    const { MIGRATIONS, migrate } = await import('../../src/sinks/sqlite-schema.js');
    const { verifyStore } = await import('../../src/integrity/verify.js');
    const path = join(mkdtempSync(join(tmpdir(), 'gw-old-')), 'old.db');
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 3));
    old.prepare("INSERT INTO stats (run_id, ts, record) VALUES ('old', 't', '{}')").run();
    old.close();
    const db = openStore(path);
    const log = new IntegrityLog(db);
    addStats(db, log);
    log.checkpoint();
    const report = verifyStore(db, { store: path });
    expect(report.problems).toEqual([]);
    expect(report.baseline).toBe(1);
    expect(report.entries).toBe(1);
    // A row added later without an entry is not mistaken for a baseline row.
    db.prepare("INSERT INTO stats (run_id, ts, record) VALUES ('x', 't', '{}')").run();
    expect(verifyStore(db, { store: path }).problems.map((p) => p.kind)).toEqual(['row_not_logged']);
  });
});
