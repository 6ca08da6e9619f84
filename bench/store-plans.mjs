#!/usr/bin/env node
/**
 * Which indexes the store's queries use (issue 18): every statement the review commands, the report,
 * the evidence bundle, retention, verify and the writers prepare, over each filter the CLI offers,
 * goes through EXPLAIN QUERY PLAN on a copy of a store; the last lines count, per index, the distinct
 * statements whose plan names it. An index no statement uses costs every insert and buys nothing.
 *
 *   npm run build && node bench/store-plans.mjs STORE.db [-v]
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const src = process.argv[2];
if (!src) throw new Error('usage: node bench/store-plans.mjs STORE.db [-v]');
const path = join(mkdtempSync(join(tmpdir(), 'gw-plans-')), 'store.db');
copyFileSync(src, path);
const db = new Database(path);
const used = new Map();
const origPrepare = db.prepare.bind(db);
const plans = [];
db.prepare = (sql) => {
  const st = origPrepare(sql);
  if (!/^\s*(EXPLAIN|PRAGMA)/i.test(sql)) {
    try {
      const plan = origPrepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(st.reader ? [] : []));
      plans.push({ sql, plan });
    } catch (e) {
      // parameters: bind dummy
      try {
        const n = (sql.match(/\?/g) || []).length;
        const named = [...new Set((sql.match(/@\w+/g) || []).map((s) => s.slice(1)))];
        const args = named.length ? [Object.fromEntries(named.map((k) => [k, 'x']))] : Array(n).fill('x');
        plans.push({ sql, plan: origPrepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) });
      } catch (e2) { plans.push({ sql, plan: [{ detail: 'ERR ' + e2.message }] }); }
    }
  }
  return st;
};
const q = await import('../dist/sinks/queries.js');
const dq = await import('../dist/sinks/dns-queries.js');
const gq = await import('../dist/sinks/gap-queries.js');
const rq = await import('../dist/sinks/run-queries.js');
const fd = await import('../dist/sinks/flow-detail.js');
const hq = await import('../dist/sinks/health-queries.js');
const rep = await import('../dist/report/from-store.js');
const bc = await import('../dist/evidence/bundle-contents.js');
const ret = await import('../dist/sinks/retention.js');
const ver = await import('../dist/integrity/verify.js');
const st = await import('../dist/sinks/sqlite-statements.js');
const await_outbox = await import('../dist/delivery/outbox-store.js');
const lg = await import('../dist/integrity/log-store.js');
const fl = db.prepare('SELECT * FROM flows LIMIT 1').get();
// From schema 11 a flow row names its run by key (dist/sinks/run-keys.js): the readers take the run's id.
fl.run_id = (await import('../dist/sinks/run-keys.js')).runIdOfColumn(db, fl.run_id);
const al = db.prepare('SELECT * FROM alerts LIMIT 1').get();
const dn = db.prepare('SELECT * FROM dns LIMIT 1').get();
const tryit = (f) => { try { f(); } catch (e) { console.error('ERR', e.message); } };
for (const scope of [{}, { allRuns: true }, { run: fl.run_id }]) {
  for (const f of [{}, { ip: fl.source_ip }, { src: fl.source_ip }, { dst: fl.destination_ip }, { domain: 'dji.com' }, { port: 443 }, { transport: 'tcp' }, { country: 'CN' }, { asn: 13335 }, { since: '2026-01-01', until: '2027-01-01' }]) tryit(() => q.listFlowsPage(db, { ...scope, ...f }));
  for (const f of [{}, { severity: 'high' }, { rule: al.rule_id }, { device: al.source_ip }, { device: 'FA-08-B8-40-4C-5D' }, { country: 'CN' }, { asn: 1 }, { domain: 'dji.com' }, { category: 'x' }, { unacked: true }, { since: '2026-01-01' }]) tryit(() => q.listAlertsPage(db, { ...scope, ...f }));
  for (const f of [{}, { name: 'dji.com' }, { ip: dn.source_ip }, { qtype: 'A' }, { uid: dn.uid }, { since: '2026-01-01' }]) tryit(() => dq.listDnsPage(db, { ...scope, ...f }));
  for (const f of [{}, { interface: 'eth0' }]) tryit(() => gq.listGapsPage(db, { ...scope, ...f }));
}
tryit(() => rq.listRunsPage(db, {})); tryit(() => rq.getRun(db, fl.run_id.slice(0, 6)));
tryit(() => fd.getFlowDetail(db, fl.uid)); tryit(() => fd.getFlowDetail(db, fl.uid.slice(0, 8), { run: fl.run_id }));
tryit(() => q.getAlert(db, al.id.slice(0, 6)));
tryit(() => { const r = hq.latestRun(db); hq.latestStats(db, r.id); hq.openGaps(db, r.id); hq.outboxBacklog(db); });
for (const o of [{}, { runId: fl.run_id }, { since: '2026-01-01', until: '2027-01-01' }]) tryit(() => rep.reportFromStore(db, { dbPath: path, ...o }));
tryit(() => bc.readBundleContents(db, al.id));
tryit(() => new ret.StoreRetention(db).tick(new Date('2030-01-01')));
tryit(() => st.prepareWriteStatements(db));
tryit(() => ver.verifyStore(db, {}));
// The writers' own lookups: the outbox's due rows and byte bound, the log's latest entry of a row.
tryit(() => { const o = new (await_outbox.OutboxStore)(db); o.due('x', 0, 10); o.pendingTotals(); o.nextDue('x'); });
tryit(() => { const l = lg; l.logRow(db, 'alert', al.id); l.entryIndexForAlert(db, al.id); });
const seen = new Set();
const indexes = db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type='index'").all();
for (const { sql, plan } of plans) {
  const key = sql.replace(/\s+/g, ' ');
  if (seen.has(key)) continue; seen.add(key);
  const detail = plan.map((p) => p.detail).join(' | ');
  for (const i of indexes) if (new RegExp(`\\b${i.name}\\b`).test(detail)) used.set(i.name, (used.get(i.name) ?? 0) + 1);
  if (process.argv[3] === '-v') console.log(key.slice(0, 260), '\n   =>', detail.slice(0, 400));
}
console.log('--- indexes and how many distinct statements use them');
for (const i of indexes) console.log(String(used.get(i.name) ?? 0).padStart(3), i.tbl_name.padEnd(18), i.name);
