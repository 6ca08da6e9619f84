/**
 * `verify` against an attacker who edits the SQLite file directly (better-sqlite3
 * here, as the sqlite3 CLI would): the session fixture is replayed into a store
 * with a signing key, then each test changes a copy and expects exit 1 naming
 * what failed. The oracle for "which entry" is the log table itself, looked up
 * by SQL, not verify's own output.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint } from '../../src/integrity/checkpoint.js';
import { encodeVerifierKey, generateSigner } from '../../src/integrity/note-keys.js';
import { entryBytesOf } from '../../src/integrity/log-store.js';
import { decodeStoredText, encodeStored } from '../../src/sinks/stored-record.js';
import { runCli } from '../support/cli.js';
import { FIXTURES_DIR } from '../support/fixture-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-verify-'));
const keyDir = join(dir, 'keys');
const pub = join(keyDir, 'checkpoint.pub');
const base = join(dir, 'base.db');
let copies = 0;

function copy(): string {
  const path = join(dir, `copy-${++copies}.db`);
  copyFileSync(base, path);
  return path;
}

function attack<T>(path: string, f: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return f(db);
  } finally {
    db.close();
  }
}

function verify(path: string, ...extra: string[]) {
  return runCli(['verify', '--db', path, ...extra]);
}

function entryOf(path: string, kind: string, ref: string): number {
  return attack(path, (db) => (db.prepare('SELECT MAX(idx) AS i FROM integrity_log WHERE kind = ? AND ref = ?').get(kind, ref) as { i: number }).i);
}

beforeAll(() => {
  expect(runCli(['keys', 'init', '--dir', keyDir, '--name', 'groundwatch/test-box']).status).toBe(0);
  const r = runCli(['replay', join(FIXTURES_DIR, 'session-dji-mixed.pcapng'), '--db', base, '--key-dir', keyDir, '--format', 'ndjson', '--no-summary', '--fail-on', 'never']);
  expect(r.status).toBe(0);
  // One file, no WAL beside it: copies are whole stores.
  attack(base, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
  attack(base, (db) => db.pragma('journal_mode = DELETE'));
});

describe('verify on an untouched store', () => {
  it('exits 0 and states the range proven by the newest signed checkpoint', () => {
    const n = attack(base, (db) => (db.prepare('SELECT COUNT(*) AS n FROM integrity_log').get() as { n: number }).n);
    const alerts = attack(base, (db) => (db.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n);
    expect(n).toBe(alerts + 2); // every alert, the final stats record and the run
    const r = verify(base, '--key', pub);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`verified     entries 0..${n - 1} against checkpoint`);
    expect(r.stdout).toContain('result       OK');
  });

  it("logs the run with its rule pack files' SHA-256 (sha256sum as oracle) and a config hash", () => {
    // Stored compressed (stored-record.ts): the canonical bytes are what the log hashed.
    const entry = entryBytesOf(attack(base, (db) => (db.prepare("SELECT entry FROM integrity_log WHERE kind = 'run'").get() as { entry: unknown }).entry));
    const row = (JSON.parse(entry.toString('utf8')) as { row: { rule_files: string; config_sha256: string } }).row;
    const files = JSON.parse(row.rule_files) as { path: string; sha256: string }[];
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.sha256).toBe(execFileSync('sha256sum', [f.path], { encoding: 'utf8' }).split(' ')[0]);
    expect(row.config_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts its own newest checkpoint held externally', () => {
    const note = attack(base, (db) => (db.prepare('SELECT note FROM integrity_checkpoints ORDER BY rowid DESC LIMIT 1').get() as { note: string }).note);
    writeFileSync(join(dir, 'held.txt'), note);
    const r = verify(base, '--key', pub, '--checkpoint', join(dir, 'held.txt'), '--format', 'json');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; external: { matches: boolean; signature: string }[] };
    expect(report.ok).toBe(true);
    expect(report.external).toEqual([expect.objectContaining({ matches: true, signature: 'valid' })]);
  });
});

describe('verify finds an attacker', () => {
  it('one byte changed inside an alert record', () => {
    const path = copy();
    const id = attack(path, (db) => {
      // The record is stored compressed (stored-record.ts): the attacker decodes, edits one byte and encodes again.
      const row = (db.prepare('SELECT id, record FROM alerts').all() as { id: string; record: unknown }[])
        .map((r) => ({ id: r.id, record: decodeStoredText(r.record) }))
        .find((r) => r.record.includes('"203.107.1.1"'))!;
      const at = row.record.indexOf('203.107.1.1');
      db.prepare('UPDATE alerts SET record = ? WHERE id = ?').run(encodeStored('alert', `${row.record.slice(0, at)}204${row.record.slice(at + 3)}`), row.id);
      return row.id;
    });
    const r = verify(path, '--key', pub, '--format', 'json');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { problems: { kind: string; entry?: number; message: string }[] };
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'row_changed', entry: entryOf(path, 'alert', id) })]);
    expect(report.problems[0]?.message).toContain(`alert ${id}`);
    expect(r.stderr).toMatch(/^groundwatch verify: FAILED: entry \d+ \(alert /);
  });

  it('one byte changed in a queried column only (country), not the record', () => {
    const path = copy();
    const id = attack(path, (db) => {
      const row = db.prepare("SELECT id FROM alerts WHERE country = 'CN' LIMIT 1").get() as { id: string };
      db.prepare("UPDATE alerts SET country = 'CM' WHERE id = ?").run(row.id);
      return row.id;
    });
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL         entry ${entryOf(path, 'alert', id)} (alert ${id}): its alerts row differs from what was logged (changed after logging: country)`);
  });

  it('one byte changed in the run row (an input file size)', () => {
    const path = copy();
    const id = attack(path, (db) => {
      const row = db.prepare('SELECT id, sources FROM runs').get() as { id: string; sources: string };
      db.prepare('UPDATE runs SET sources = ? WHERE id = ?').run(row.sources.replace('"size":97236', '"size":97237'), row.id);
      return row.id;
    });
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`(run ${id}): its runs row differs from what was logged (changed after logging: sources)`);
  });

  it('an alert row deleted', () => {
    const path = copy();
    const id = attack(path, (db) => {
      const row = db.prepare('SELECT id FROM alerts ORDER BY id LIMIT 1').get() as { id: string };
      db.prepare('DELETE FROM alerts WHERE id = ?').run(row.id);
      return row.id;
    });
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL         entry ${entryOf(path, 'alert', id)} (alert ${id}): its alerts row is gone (deleted)`);
  });

  it('an alert row deleted together with its log entry (numbering gap)', () => {
    const path = copy();
    const idx = attack(path, (db) => {
      const row = db.prepare("SELECT idx, ref FROM integrity_log WHERE kind = 'alert' AND idx = 5").get() as { idx: number; ref: string };
      db.prepare('DELETE FROM alerts WHERE id = ?').run(row.ref);
      db.prepare('DELETE FROM integrity_log WHERE idx = ?').run(row.idx);
      return row.idx;
    });
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL         entry ${idx} is missing: the log goes from ${idx - 1} to ${idx + 1}`);
  });

  it('an alert row inserted behind the log (a copy of one under a new id)', () => {
    const path = copy();
    attack(path, (db) => db.exec("INSERT INTO alerts SELECT 'f00dfeedf00dfeed', run_id, ts, severity, severity_num, rule_id, rule_version, ruleset, category, flow_uid, source_ip, source_mac, destination_ip, destination_port, transport, destination_domain, name_source, country, asn, operator_country, repeats, last_seen, record, registrant_country, geo_disagreement, start_seen, orientation, folded FROM alerts LIMIT 1"));
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("FAIL         alert f00dfeedf00dfeed (alerts) has no log entry (added behind the log's back)");
  });

  describe('the newest entries deleted with the rows they cover (truncation)', () => {
    const truncate = (path: string, keep: number): void =>
      attack(path, (db) => {
        for (const e of db.prepare('SELECT kind, ref FROM integrity_log WHERE idx >= ?').all(keep) as { kind: string; ref: string }[]) {
          if (e.kind === 'alert') db.prepare('DELETE FROM alerts WHERE id = ?').run(e.ref);
          if (e.kind === 'run') db.prepare('DELETE FROM runs WHERE id = ?').run(e.ref);
          if (e.kind === 'stats') db.prepare('DELETE FROM stats WHERE rowid = ?').run(Number(e.ref));
        }
        db.prepare('DELETE FROM integrity_log WHERE idx >= ?').run(keep);
      });

    it('is found against the stored checkpoints', () => {
      const path = copy();
      const size = attack(path, (db) => (db.prepare('SELECT MAX(tree_size) AS s FROM integrity_checkpoints').get() as { s: number }).s);
      truncate(path, 10);
      const r = verify(path, '--key', pub);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`FAIL         checkpoint #\\d+ \\(size ${size}\\): the log holds only 10 entries; entries 10..${size - 1} were deleted \\(truncated\\)`));
    });

    it('with the later checkpoints deleted too, is found only against a checkpoint held off the box', () => {
      const path = copy();
      const held = join(dir, 'held-before-truncation.txt');
      const note = attack(path, (db) => (db.prepare('SELECT note FROM integrity_checkpoints ORDER BY rowid DESC LIMIT 1').get() as { note: string }).note);
      writeFileSync(held, note);
      const size = parseCheckpoint(note).size;
      truncate(path, 10);
      attack(path, (db) => db.prepare('DELETE FROM integrity_checkpoints WHERE tree_size > 10').run());
      // What the box alone can show: nothing wrong (the limit docs/integrity.md states).
      const alone = verify(path);
      expect(alone.status).toBe(0);
      expect(alone.stdout).toContain('no --checkpoint: without a checkpoint held off the box');
      const r = verify(path, '--key', pub, '--checkpoint', held);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`FAIL         external checkpoint ${held} (size ${size}): the log holds only 10 entries; entries 10..${size - 1} were deleted (truncated)`);
    });
  });

  it('a checkpoint swapped for one signed by another key', () => {
    const path = copy();
    const intruder = generateSigner('groundwatch/test-box');
    attack(path, (db) => {
      const cp = db.prepare('SELECT rowid AS id, note FROM integrity_checkpoints ORDER BY rowid DESC LIMIT 1').get() as { id: number; note: string };
      const parsed = parseCheckpoint(cp.note);
      const forged = formatCheckpoint({ origin: parsed.origin, size: parsed.size, root: parsed.root }, [intruder]);
      db.prepare('UPDATE integrity_checkpoints SET note = ?, signed_by = ? WHERE rowid = ?').run(forged, encodeVerifierKey(intruder), cp.id);
    });
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL         checkpoint #\d+ \(size \d+\) is not signed by the given key \(signed as groundwatch\/test-box\): swapped in or signed by another key/);
    // The key recorded in the store was swapped too: without --key nothing shows, which is why --key exists.
    expect(verify(path).status).toBe(0);
  });

  it('an older signature replayed over a newer size and root (CVE-2023-31439)', () => {
    const path = copy();
    attack(path, (db) => {
      const [first, last] = [
        db.prepare('SELECT note FROM integrity_checkpoints ORDER BY rowid LIMIT 1').get() as { note: string },
        db.prepare('SELECT rowid AS id, note FROM integrity_checkpoints ORDER BY rowid DESC LIMIT 1').get() as { id: number; note: string },
      ];
      const oldSig = first.note.slice(first.note.indexOf('\n\n') + 2);
      const newText = last.note.slice(0, last.note.indexOf('\n\n') + 1);
      expect(oldSig).not.toBe(last.note.slice(last.note.indexOf('\n\n') + 2));
      db.prepare('UPDATE integrity_checkpoints SET note = ? WHERE rowid = ?').run(`${newText}\n${oldSig}`, last.id);
    });
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL         checkpoint #\d+ \(size \d+\): its signature does not verify with groundwatch\/test-box\+/);
  });

  it('a checkpoint row whose size column is edited is judged by its signed text', () => {
    const path = copy();
    attack(path, (db) => db.prepare('UPDATE integrity_checkpoints SET tree_size = tree_size + 5 WHERE rowid = (SELECT MAX(rowid) FROM integrity_checkpoints)').run());
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('its tree_size/root_hash columns differ from its signed text');
  });
});

describe('acknowledgements are logged', () => {
  it('alerts ack adds an entry that verify re-derives; editing its note is found', () => {
    const path = copy();
    const id = attack(path, (db) => (db.prepare('SELECT id FROM alerts LIMIT 1').get() as { id: string }).id);
    expect(runCli(['alerts', 'ack', id, '--note', 'reviewed', '--by', 'examiner', '--db', path]).status).toBe(0);
    const entry = attack(path, (db) => db.prepare("SELECT idx, ref FROM integrity_log WHERE kind = 'alert_ack'").get() as { idx: number; ref: string });
    expect(entry).toBeDefined();
    // Logged, not yet in a checkpoint (the running monitor or next run writes one): the log itself verifies.
    expect(verify(path, '--key', pub).status).toBe(0);
    attack(path, (db) => db.prepare("UPDATE alert_acks SET note = 'not reviewed'").run());
    const r = verify(path, '--key', pub);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL         entry ${entry.idx} (alert_ack ${entry.ref}): its alert_acks row differs from what was logged (changed after logging: note)`);
  });
});

describe('bad input exits 2', () => {
  it('a store that does not exist', () => {
    const r = verify(join(dir, 'missing.db'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: DB_OPEN_FAILED: /);
  });
  it('a --key that is not a verifier key', () => {
    const r = verify(base, '--key', 'not-a-key');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: KEY_INVALID: /);
  });
  it('a --checkpoint that is not a checkpoint', () => {
    writeFileSync(join(dir, 'junk.txt'), 'hello\n');
    const r = verify(base, '--checkpoint', join(dir, 'junk.txt'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: CHECKPOINT_INVALID: /);
  });
});

describe('keys init', () => {
  it('refuses to overwrite a key, and the private key is mode 0600', () => {
    const r = runCli(['keys', 'init', '--dir', keyDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: KEY_EXISTS: /);
    expect(statSync(join(keyDir, 'checkpoint.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(pub, 'utf8')).toMatch(/^groundwatch\/test-box\+[0-9a-f]{8}\+/);
  });
});
