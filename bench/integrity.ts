/**
 * What the integrity log costs (issue 16). Prints one JSON object on its last line:
 * All times are CPU time (user + system) of this process.
 *   micro: per-alert cost of the log (row written with vs without its entry, same transaction
 *          size), a signed checkpoint, verify per entry; each checks its own result;
 *   replay: for the store of a bench replay (argument), the log's share: re-logging every
 *          logged row of that store into a fresh log, and verifying it.
 *
 *   npx vite-node bench/integrity.ts [-- <bench replay store.db>]
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegrityLog } from '../src/integrity/integrity-log.js';
import { ENTRY_KINDS, kindSpec } from '../src/integrity/entries.js';
import { logRow, logSize } from '../src/integrity/log-store.js';
import { generateSigner } from '../src/integrity/note-keys.js';
import { verifyStore } from '../src/integrity/verify.js';
import { alertRow } from '../src/sinks/sqlite-rows.js';
import { prepareWriteStatements } from '../src/sinks/sqlite-statements.js';
import { openStore } from '../src/sinks/sqlite-store.js';
import { makeAlert } from '../test/sinks/fixtures.js';

interface Result {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  check: string;
}

const ALERTS = 5000;

/** CPU time (user + system) in ns: the machine is shared, wall time measures the neighbours. */
function cpuNs(since?: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) * 1000;
}
const BATCH = 100;
const dir = mkdtempSync(join(tmpdir(), 'gw-bench-integrity-'));
const signer = generateSigner('groundwatch/bench');

function fail(message: string): never {
  process.stderr.write(`bench/integrity: wrong result: ${message}\n`);
  process.exit(1);
}

/** Writes ALERTS alerts in batches of BATCH per transaction, logging each or not; returns ns per alert. */
function writeAlerts(withLog: boolean): { nsPerAlert: number; db: Database.Database } {
  const db = openStore(join(dir, `alerts-${withLog ? 'log' : 'nolog'}.db`));
  const stmts = prepareWriteStatements(db);
  const log = new IntegrityLog(db, { signer });
  const rows = Array.from({ length: ALERTS }, (_, i) => alertRow(makeAlert({ id: `A${i.toString(16).padStart(12, '0')}` } as never), 'R1'));
  const commit = db.transaction((batch: typeof rows) => {
    for (const r of batch) {
      stmts.alert.run(r);
      if (withLog) log.logRow('alert', String(r['id']));
    }
  });
  const start = process.cpuUsage();
  for (let i = 0; i < rows.length; i += BATCH) commit(rows.slice(i, i + BATCH));
  const ns = cpuNs(start);
  return { nsPerAlert: ns / ALERTS, db };
}

const micro: Result[] = [];
const plain = writeAlerts(false);
const logged = writeAlerts(true);
if (logSize(logged.db) !== ALERTS) fail(`log holds ${logSize(logged.db)} entries for ${ALERTS} alerts`);
const extra = logged.nsPerAlert - plain.nsPerAlert;
micro.push({ name: 'integrity: log entry per alert (extra over row)', opsPerSec: 1e9 / Math.max(extra, 1), nsPerOp: extra, check: `${ALERTS} entries, row alone ${Math.round(plain.nsPerAlert)} ns` });

{
  const log = new IntegrityLog(logged.db, { signer });
  const start = process.cpuUsage();
  const cp = log.checkpoint();
  const ns = cpuNs(start);
  if (cp?.tree_size !== ALERTS) fail('checkpoint size');
  micro.push({ name: `integrity: first signed checkpoint of ${ALERTS} entries`, opsPerSec: 1e9 / ns, nsPerOp: ns, check: `size ${cp.tree_size}` });
}

{
  const start = process.cpuUsage();
  const report = verifyStore(logged.db, { store: 'bench', key: signer });
  const ns = cpuNs(start);
  if (!report.ok || report.entries !== ALERTS) fail(`verify: ${JSON.stringify(report.problems.slice(0, 2))}`);
  micro.push({ name: 'integrity: verify per entry', opsPerSec: (1e9 * ALERTS) / ns, nsPerOp: ns / ALERTS, check: `${ALERTS} entries ok` });
}

/** The bench replay's own store: how long its entries take to make, and to verify. */
function replayShare(storePath: string): Record<string, number> {
  const copy = join(dir, 'replay.db');
  copyFileSync(storePath, copy);
  const db = new Database(copy);
  const entries = logSize(db);
  db.exec('DELETE FROM integrity_log; DELETE FROM integrity_checkpoints;');
  const refs: [(typeof ENTRY_KINDS)[number], string][] = [];
  for (const kind of ENTRY_KINDS) {
    const spec = kindSpec(kind);
    const where = spec.loggedWhere ? ` WHERE ${spec.loggedWhere}` : '';
    for (const [ref] of db.prepare(`SELECT ${spec.key} FROM ${spec.table}${where}`).raw().all() as [string | number][]) refs.push([kind, String(ref)]);
  }
  const start = process.cpuUsage();
  db.transaction(() => {
    for (const [kind, ref] of refs) logRow(db, kind, ref);
  })();
  const log = new IntegrityLog(db, { signer });
  log.checkpoint();
  const logNs = cpuNs(start);
  if (logSize(db) !== entries) fail(`re-logged ${logSize(db)} entries, the replay logged ${entries}`);
  const vStart = process.cpuUsage();
  const report = verifyStore(db, { store: copy, key: signer });
  const verifyNs = cpuNs(vStart);
  if (!report.ok) fail(`verify of the replay store: ${JSON.stringify(report.problems.slice(0, 2))}`);
  db.close();
  return { entries, logMs: logNs / 1e6, verifyMs: verifyNs / 1e6 };
}

const storeArg = process.argv.slice(2).find((a) => a.endsWith('.db'));
const replay = storeArg ? replayShare(storeArg) : undefined;
process.stdout.write(`${JSON.stringify({ micro, ...(replay ? { replay } : {}) })}\n`);
