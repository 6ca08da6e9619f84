#!/usr/bin/env node
/**
 * What storing evidence slices costs (issue 18), apart from the rest of a run: the slices of a
 * store (e.g. the corpus replay's) written again, in capture order, into fresh stores two ways:
 * one row per packet as schema 7 did (its writer's statement and 1,000-row transactions, copied
 * here), and packed as SliceStore writes them now (a flush every 1,000 slices, each flow's
 * blocks due when its last slice is in). Prints CPU and wall time (median of --rounds), rows,
 * and the bytes of each table with its index (dbstat).
 *
 *   npm run build && node bench/evidence-store.mjs STORE.db [--rounds 5]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './process-measure.mjs';

const src = process.argv[2];
if (!src) throw new Error('usage: node bench/evidence-store.mjs STORE.db [--rounds N]');
const ri = process.argv.indexOf('--rounds');
const ROUNDS = ri > 0 ? Number(process.argv[ri + 1]) : 5;
const { openStore } = await import('../dist/sinks/sqlite-store.js');
const { SliceStore } = await import('../dist/evidence/slice-store.js');
const { storedSlice } = await import('../dist/evidence/stored-slices.js');
const { Counters } = await import('../dist/counters.js');

const srcDb = openStore(src, { readonly: true });
const keys = srcDb.prepare('SELECT DISTINCT flow_uid, role FROM evidence_blocks UNION SELECT DISTINCT flow_uid, role FROM evidence_packets').all();
const slices = keys.flatMap((k) => storedSlice(srcDb, k.flow_uid, k.role)).map((s) => ({ ...s, data: Buffer.from(s.data) }));
srcDb.close();
slices.sort((a, b) => a.ts_sec - b.ts_sec || a.ts_nsec - b.ts_nsec);
const lastOf = new Map(slices.map((s, i) => [s.flow_uid, i]));
process.stderr.write(`evidence-store: ${slices.length} slices of ${lastOf.size} flows from ${src}\n`);

function perPacket(db) {
  // Schema 7's writer (src/evidence/slice-store.ts before schema 10).
  const insert = db.prepare(
    `INSERT INTO evidence_packets (flow_uid, role, run_id, ts_sec, ts_nsec, link_type, orig_len, content, data)
     VALUES (@flow_uid, @role, @run_id, @ts_sec, @ts_nsec, @link_type, @orig_len, @content, @data)`,
  );
  const insertMany = db.transaction((rows) => {
    for (const r of rows) insert.run({ ...r, data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length) });
  });
  for (let i = 0; i < slices.length; i += 1000) insertMany(slices.slice(i, i + 1000));
  db.close();
}

function packed(db) {
  const store = new SliceStore(db, 2 ** 40, new Counters());
  slices.forEach((s, i) => {
    store.add(s);
    if (lastOf.get(s.flow_uid) === i) store.flowEnded(s.flow_uid);
    if (i % 1000 === 999 || store.needsFlush()) store.flush();
  });
  store.close();
}

const results = {};
for (const [label, write, table] of [['per packet (schema 7)', perPacket, 'evidence_packets'], ['packed (schema 10)', packed, 'evidence_blocks']]) {
  const runs = [];
  let size;
  for (let r = 0; r < ROUNDS; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'gw-evstore-'));
    const path = join(dir, 's.db');
    openStore(path).close();
    const db = openStore(path);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    write(db);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    runs.push({ wall, cpu: (cpu.user + cpu.system) / 1000 });
    if (r === 0) {
      const check = new Database(path, { readonly: true });
      const bytes = (name) => check.prepare('SELECT COALESCE(SUM(pgsize), 0) AS n FROM dbstat WHERE name = ?').get(name).n;
      size = { rows: check.prepare(`SELECT count(*) AS n FROM ${table}`).get().n, tableBytes: bytes(table), indexBytes: bytes(`${table}_flow`) };
      check.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
  results[label] = { cpuMs: median(runs.map((r) => r.cpu)), wallMs: median(runs.map((r) => r.wall)), ...size };
  const x = results[label];
  process.stdout.write(`${label.padEnd(22)} CPU ${x.cpuMs.toFixed(0).padStart(5)} ms  wall ${x.wallMs.toFixed(0).padStart(5)} ms  rows ${String(x.rows).padStart(6)}  table ${(x.tableBytes / 1e6).toFixed(2)} MB  index ${(x.indexBytes / 1e6).toFixed(2)} MB\n`);
}
process.stdout.write(`${JSON.stringify({ slices: slices.length, flows: lastOf.size, rounds: ROUNDS, results })}\n`);
