/**
 * groundwatch.flow.start_seen / orientation in the store (migration 3): new rows
 * carry them as columns, rows written by a version-1 store keep NULL. Read back
 * with the sqlite3 command-line shell, not with our own queries.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFlows } from '../../src/sinks/queries.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../src/sinks/sqlite-schema.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { decodeStoredText } from '../../src/sinks/stored-record.js';
import { runCli } from '../support/cli.js';
import { makeAlert, makeFlow, makeRun } from './fixtures.js';

const sqlite3 = (path: string, sql: string) => execFileSync('sqlite3', ['-readonly', '-separator', '|', path, sql], { encoding: 'utf8' }).trim().split('\n');

describe('start_seen and orientation columns', () => {
  it('a version-1 store is migrated: old rows keep NULL, new flow and alert rows carry 0/1 and the orientation', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-start-')), 'store.db');
    const v1 = new Database(path);
    migrate(v1, MIGRATIONS.slice(0, 1));
    v1.prepare("INSERT INTO flows (uid, ts_start, record) VALUES ('Cold', '2021-09-01T09:00:00.000000000Z', '{}')").run();
    v1.close();

    const sink = new SqliteSink(openStore(path));
    const mid = makeFlow({ uid: 'Cmid' });
    mid.groundwatch.flow = { ...mid.groundwatch.flow, start_seen: false, orientation: 'port' };
    const alert = makeAlert({ id: 'A-mid', uid: 'Cmid' });
    alert.groundwatch.flow = { ...alert.groundwatch.flow, start_seen: false, orientation: 'device' };
    sink.startRun(makeRun('R1'));
    [makeFlow({ uid: 'Csyn' }), mid, alert].forEach((r) => sink.write(r));
    await sink.close();

    expect(sqlite3(path, 'PRAGMA user_version')).toEqual([String(SCHEMA_VERSION)]);
    // From schema 11 a flow row leaves these columns NULL (no query filters on them); `flows list` reads them from the record.
    expect(sqlite3(path, "SELECT uid, quote(start_seen), quote(orientation) FROM flows ORDER BY uid")).toEqual([
      "Cmid|NULL|NULL",
      "Cold|NULL|NULL",
      "Csyn|NULL|NULL",
    ]);
    const listed = runCli(['flows', 'list', '--db', path, '--format', 'ndjson']);
    expect(listed.status).toBe(0);
    const records = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { groundwatch?: { flow?: { uid: string; start_seen?: boolean; orientation?: string } } });
    expect(records.map((r) => [r.groundwatch?.flow?.uid, r.groundwatch?.flow?.start_seen, r.groundwatch?.flow?.orientation]).sort()).toEqual([
      [undefined, undefined, undefined],
      ['Cmid', false, 'port'],
      ['Csyn', true, 'syn'],
    ]);
    const store = openStore(path, { readonly: true });
    expect(listFlows(store).map((f) => [f.uid, f.start_seen, f.orientation]).sort()).toEqual([
      ['Cmid', 0, 'port'],
      ['Cold', null, null],
      ['Csyn', 1, 'syn'],
    ]);
    store.close();
    // The record is stored compressed (stored-record.ts): the shell gives its bytes, decoded here.
    const [columns, recordHex] = sqlite3(path, 'SELECT id, start_seen, orientation, hex(record) FROM alerts')[0]!.split(/\|(?=[0-9A-F]+$)/);
    const orientation = (JSON.parse(decodeStoredText(Buffer.from(recordHex!, 'hex'))) as { groundwatch: { flow: { orientation: string } } }).groundwatch.flow.orientation;
    expect([`${columns}|${orientation}`]).toEqual(['A-mid|0|device|device']);
  });
});
