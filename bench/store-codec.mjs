#!/usr/bin/env node
/**
 * CPU per row of the stored-record encoding (src/sinks/stored-record.ts) on real records: for each
 * kind, the records of a store (the corpus bench's, or any), encoded at zlib levels 1, 6 and 9 with
 * the kind's dictionary, against JSON.stringify alone (what a row cost before), and decoded; flows and DNS
 * also in blocks of records, as the store writes them since schema 9 (src/sinks/record-blocks.ts). CPU
 * time of this process (process.cpuUsage), best of 5 rounds: the machine is shared.
 *
 *   npm run build && node bench/store-codec.mjs STORE.db
 */
import Database from 'better-sqlite3';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const { readStoredRecord } = await import('../dist/sinks/stored-record-reader.js');
const { BLOCK_MAX_RECORDS, encodeBlock } = await import('../dist/sinks/record-blocks.js');
const dictionaries = await import('../dist/sinks/stored-record-dictionaries.js');
const path = process.argv[2];
if (!path) throw new Error('usage: node bench/store-codec.mjs STORE.db');
const db = new Database(path, { readonly: true });
const KINDS = [
  ['flows', dictionaries.FLOW_DICTIONARY_V1],
  ['dns', dictionaries.DNS_DICTIONARY_V1],
  ['alerts', dictionaries.ALERT_DICTIONARY_V1],
];
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const best = (rows, f) => {
  let min = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = cpu();
    for (const r of rows) f(r);
    min = Math.min(min, (cpu() - t0) / rows.length);
  }
  return min;
};
for (const [table, dictText] of KINDS) {
  const records = db.prepare(`SELECT record FROM ${table} LIMIT 5000`).pluck().all().map((r) => readStoredRecord(db, r));
  if (records.length === 0) continue;
  const dictionary = Buffer.from(dictText);
  const json = records.map((r) => JSON.stringify(r));
  const plain = json.reduce((a, t) => a + Buffer.byteLength(t), 0) / json.length;
  const line = [`${table} (${records.length} rows, ${plain.toFixed(0)} B of JSON): JSON.stringify ${best(records, (r) => JSON.stringify(r)).toFixed(1)} µs`];
  for (const level of [1, 6, 9]) {
    const o = { level, dictionary };
    const stored = json.map((t) => deflateRawSync(t, o));
    const size = stored.reduce((a, b) => a + b.length + 1, 0) / stored.length;
    const enc = best(records, (r) => deflateRawSync(JSON.stringify(r), o));
    const dec = best(stored, (b) => inflateRawSync(b, { dictionary }).toString('utf8'));
    line.push(`level ${level}: ${size.toFixed(0)} B, encode ${enc.toFixed(1)} µs, decode ${dec.toFixed(1)} µs`);
  }
  // What the store does since schema 9 for flows and DNS: one deflate call per block of records (record-blocks.ts).
  const kind = table === 'flows' ? 'flow' : table === 'dns' ? 'dns' : undefined;
  if (kind) {
    const blocks = [];
    for (let i = 0; i < json.length; i += BLOCK_MAX_RECORDS) blocks.push(json.slice(i, i + BLOCK_MAX_RECORDS));
    const size = blocks.reduce((a, b) => a + encodeBlock(kind, b).length, 0) / json.length;
    const enc = best(blocks, (b) => encodeBlock(kind, b)) * blocks.length / json.length;
    line.push(`blocks of ${BLOCK_MAX_RECORDS}: ${size.toFixed(0)} B, encode ${enc.toFixed(1)} µs a record`);
  }
  process.stdout.write(`${line.join('; ')}\n`);
}
