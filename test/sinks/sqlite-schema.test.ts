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
    // Versions go 1..N without holes, except 6 (review/provenance), another branch's to add: once
    // it lands this is again SCHEMA_VERSION === MIGRATIONS.length.
    const versions = MIGRATIONS.map((m) => m.version);
    const reserved = new Set([6]);
    const expected = Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1).filter((v) => !reserved.has(v) || versions.includes(v));
    expect(versions).toEqual(expected);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(SCHEMA_VERSION).toBe(versions[versions.length - 1]);
    expect(rawPragma(path, 'user_version')).toBe(SCHEMA_VERSION);
    expect(rawPragma(path, 'journal_mode')).toBe('wal');
    const db = new Database(path, { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    db.close();
    expect(tables).toEqual(['alert_acks', 'alerts', 'capture_gaps', 'dns', 'evidence_packets', 'flows', 'integrity_baseline', 'integrity_checkpoints', 'integrity_log', 'outbox', 'runs', 'stats']);
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
