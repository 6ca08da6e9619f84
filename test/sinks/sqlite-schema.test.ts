import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GroundwatchError } from '../../src/errors.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../src/sinks/sqlite-schema.js';
import { defaultDbPath, openStore } from '../../src/sinks/sqlite-store.js';

const dir = () => mkdtempSync(join(tmpdir(), 'gw-schema-'));

function rawPragma(path: string, pragma: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma(pragma, { simple: true });
  } finally {
    db.close();
  }
}

describe('store schema and migrations', () => {
  it('a fresh database gets the current user_version, WAL mode and every table', () => {
    const path = join(dir(), 'fresh.db');
    openStore(path).close();
    // Versions go 1..N in order without holes.
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(rawPragma(path, 'user_version')).toBe(SCHEMA_VERSION);
    expect(rawPragma(path, 'journal_mode')).toBe('wal');
    const db = new Database(path, { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    db.close();
    expect(tables).toEqual(['alert_acks', 'alert_runs', 'alerts', 'capture_gaps', 'dns', 'evidence_blocks', 'evidence_packets', 'flows', 'integrity_baseline', 'integrity_checkpoints', 'integrity_log', 'outbox', 'record_blocks', 'run_keys', 'runs', 'sqlite_sequence', 'stats']);
  });

  it('reopening an up-to-date database changes nothing', () => {
    const path = join(dir(), 'again.db');
    openStore(path).close();
    const db = openStore(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('applies only the migrations above the current version, in order', () => {
    const db = new Database(':memory:');
    const steps = [
      { version: 1, up: 'CREATE TABLE t (a INTEGER)' },
      { version: 2, up: 'ALTER TABLE t ADD COLUMN b TEXT' },
    ];
    expect(migrate(db, steps.slice(0, 1))).toBe(1);
    expect(migrate(db, steps)).toBe(2);
    expect((db.prepare('PRAGMA table_info(t)').all() as { name: string }[]).map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('a version-3 store (before runs were kept apart) migrates: its alerts are tied to their runs, its replays get their input key', () => {
    const path = join(dir(), 'v3.db');
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 3));
    const sources = (shas: string[]) => JSON.stringify(shas.map((sha256, i) => ({ path: `f${i}.pcap`, size: 1, sha256, format: 'pcap', compressed: false })));
    const run = old.prepare("INSERT INTO runs (id, tool_version, mode, started_at, sources) VALUES (?, '0.1.0', ?, '2026-01-01T00:00:00Z', ?)");
    run.run('R-two-files', 'replay', sources(['bbbb', 'aaaa']));
    run.run('R-live', 'monitor', '[]');
    old.prepare("INSERT INTO alerts (id, run_id, ts, severity, severity_num, rule_id, record) VALUES ('A1', 'R-two-files', '2026-01-01T00:00:00Z', 'high', 4, 'r', '{}')").run();
    old.close();
    openStore(path).close();
    // sqlite3, not our code, reads the migrated store.
    const q = (query: string) => execFileSync('sqlite3', [path, query], { encoding: 'utf8' }).trim();
    expect(q('SELECT id, quote(input_key) FROM runs ORDER BY id')).toBe("R-live|NULL\nR-two-files|'aaaa,bbbb'");
    expect(q('SELECT alert_id, run_id FROM alert_runs')).toBe('A1|R-two-files');
  });

  it('a version-1 store (before the two country sources) migrates to the current version: rows kept, new columns NULL', () => {
    const path = join(dir(), 'v1.db');
    const old = new Database(path);
    migrate(old, MIGRATIONS.slice(0, 1));
    old.prepare("INSERT INTO flows (uid, ts_start, country, record) VALUES ('F1', '2026-01-01T00:00:00.000000000Z', 'CN', '{}')").run();
    old.close();
    openStore(path).close();
    expect(rawPragma(path, 'user_version')).toBe(SCHEMA_VERSION);
    const db = new Database(path, { readonly: true });
    const cols = (t: string) => (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    expect(cols('flows')).toEqual(expect.arrayContaining(['country', 'registrant_country', 'geo_disagreement']));
    expect(cols('alerts')).toEqual(expect.arrayContaining(['country', 'registrant_country', 'geo_disagreement']));
    expect(db.prepare('SELECT uid, country, registrant_country, geo_disagreement FROM flows').all()).toEqual([
      { uid: 'F1', country: 'CN', registrant_country: null, geo_disagreement: null },
    ]);
    db.close();
  });

  it('a failing migration leaves the previous version intact', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 1, up: 'CREATE TABLE t (a); CREATE TABLE t (b)' }])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'").get()).toEqual({ n: 0 });
  });

  it.each([false, true])('a database newer than the code -> DB_SCHEMA_TOO_NEW (readonly=%s)', (readonly) => {
    const path = join(dir(), 'newer.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    let err: unknown;
    try {
      openStore(path, { readonly });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GroundwatchError);
    expect((err as GroundwatchError).code).toBe('DB_SCHEMA_TOO_NEW');
    expect(rawPragma(path, 'user_version')).toBe(SCHEMA_VERSION + 1);
  });

  it('a missing file opened read-only -> DB_OPEN_FAILED and no file is created', () => {
    const path = join(dir(), 'missing.db');
    expect(() => openStore(path, { readonly: true })).toThrow(expect.objectContaining({ code: 'DB_OPEN_FAILED' }));
    expect(existsSync(path)).toBe(false);
  });

  it('a file that is not a database -> DB_OPEN_FAILED with a one-line message', () => {
    const path = join(dir(), 'junk.db');
    writeFileSync(path, 'this is not sqlite\n'.repeat(100));
    for (const readonly of [false, true]) {
      let err: GroundwatchError | undefined;
      try {
        openStore(path, { readonly });
      } catch (e) {
        err = e as GroundwatchError;
      }
      expect(err?.code).toBe('DB_OPEN_FAILED');
      expect(err?.toLine()).not.toContain('\n');
      expect(err?.toLine()).toContain(path);
    }
  });

  it('defaultDbPath: $GROUNDWATCH_DB, else ./groundwatch.db', () => {
    expect(defaultDbPath({ GROUNDWATCH_DB: '/var/lib/gw/store.db' })).toBe('/var/lib/gw/store.db');
    expect(defaultDbPath({})).toBe('./groundwatch.db');
    expect(defaultDbPath({ GROUNDWATCH_DB: '' })).toBe('./groundwatch.db');
  });
});
