/**
 * Record blocks (sinks/record-blocks.ts, schema 9): flow and DNS records compressed together, the
 * rows pointing into them. Oracles: the DWARF specification's ULEB128 examples for the pointer,
 * Python's zlib for the block bytes, the sqlite3 shell for what the store holds (blocks, pointers,
 * counts), the records as the test wrote them for what reads back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import type { FlowRecord } from '../../src/records/ecs.js';
import { reportFromStore } from '../../src/report/from-store.js';
import { listFlows } from '../../src/sinks/queries.js';
import { BLOCK_MAX_RECORDS, decodePointer, encodeBlock, encodePointer } from '../../src/sinks/record-blocks.js';
import { StoreRetention } from '../../src/sinks/retention.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { readStoredRecord, readStoredRecords, readStoredText } from '../../src/sinks/stored-record-reader.js';
import { DNS_DICTIONARY_V1, FLOW_DICTIONARY_V1 } from '../../src/sinks/stored-record-dictionaries.js';
import { makeDns, makeFlow, makeRun } from './fixtures.js';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'gw-blocks-')), 'store.db');
const sqlite = (path: string, sql: string) => execFileSync('sqlite3', [path, sql], { encoding: 'utf8' }).trim();

function flowAt(i: number, ts: string): FlowRecord {
  return makeFlow({ uid: `Cblk${i}`, ts, sport: 40000 + i, domain: `host${i}.example` });
}

describe('record block pointers', () => {
  it('are 0x08 then block id and index in unsigned LEB128 (the DWARF spec examples)', () => {
    // DWARF 5 §7.6, figure 22: 2 -> 02, 127 -> 7f, 128 -> 80 01, 129 -> 81 01, 130 -> 82 01, 12857 -> b9 64;
    // 624485 -> e5 8e 26 (the spec's worked example).
    const cases: [number, string][] = [[2, '02'], [127, '7f'], [128, '8001'], [129, '8101'], [130, '8201'], [12857, 'b964'], [624485, 'e58e26']];
    for (const [n, hex] of cases) {
      expect(encodePointer({ blockId: n, index: 0 }).toString('hex')).toBe(`08${hex}00`);
      expect(encodePointer({ blockId: 1, index: n }).toString('hex')).toBe(`0801${hex}`);
      expect(decodePointer(Buffer.from(`08${hex}${hex}`, 'hex'))).toEqual({ blockId: n, index: n });
    }
  });

  it('a truncated, overlong or padded pointer is refused; other forms are not pointers', () => {
    expect(() => decodePointer(Buffer.from('0880', 'hex'))).toThrow(/truncated/);
    expect(() => decodePointer(Buffer.from('08ffffffffffffff7f00', 'hex'))).toThrow(/longer than 7 bytes/);
    expect(() => decodePointer(Buffer.from('08010200', 'hex'))).toThrow(/trailing/);
    expect(decodePointer(Buffer.from('{"a":1}'))).toBeUndefined();
    expect(decodePointer(Buffer.from([0x01, 0x02]))).toBeUndefined();
  });
});

describe('record blocks', () => {
  it('are 0x09 (flows) or 0x0a (DNS), then raw deflate against the kind dictionary of the texts joined by newlines (Python zlib)', () => {
    const flows = [0, 1, 2].map((i) => JSON.stringify(flowAt(i, '2021-09-01T10:00:00.000000000Z')));
    const dns = [JSON.stringify(makeDns('Cd1')), JSON.stringify({ ...makeDns('Cd2'), note: 'line\nbreak' })];
    const script = [
      'import sys, json, zlib, base64',
      'out = []',
      'for s, d in json.load(sys.stdin):',
      '    b = base64.b64decode(s)',
      '    z = zlib.decompressobj(wbits=-15, zdict=base64.b64decode(d))',
      '    out.append([b[0], z.decompress(b[1:]).decode("utf-8").split("\\n")])',
      'json.dump(out, sys.stdout)',
    ].join('\n');
    const input = JSON.stringify([
      [encodeBlock('flow', flows).toString('base64'), Buffer.from(FLOW_DICTIONARY_V1).toString('base64')],
      [encodeBlock('dns', dns).toString('base64'), Buffer.from(DNS_DICTIONARY_V1).toString('base64')],
    ]);
    const out = JSON.parse(execFileSync('python3', ['-c', script], { input, encoding: 'utf8' })) as [number, string[]][];
    expect(out).toEqual([[0x09, flows], [0x0a, dns]]);
  });
});

describe('the SQLite sink with record blocks', () => {
  it('stores flows and DNS as pointers into blocks of at most 128 records, and every record reads back', async () => {
    const path = tmpDb();
    const sink = new SqliteSink(openStore(path), { batchSize: 10_000 });
    sink.startRun(makeRun('R1'));
    const flows = Array.from({ length: 300 }, (_, i) => flowAt(i, '2021-09-01T10:00:00.000000000Z'));
    for (const f of flows) sink.write(f);
    sink.write(makeDns('Cdns-1'));
    await sink.close();

    expect(sqlite(path, "SELECT kind || ':' || count(*) FROM record_blocks GROUP BY kind ORDER BY kind")).toBe(`dns:1\nflow:${Math.ceil(300 / BLOCK_MAX_RECORDS)}`);
    expect(sqlite(path, 'SELECT DISTINCT hex(substr(record, 1, 1)) FROM flows UNION SELECT DISTINCT hex(substr(record, 1, 1)) FROM dns')).toBe('08');
    // A pointer is a few bytes where the record alone was hundreds.
    expect(Number(sqlite(path, 'SELECT max(length(record)) FROM flows'))).toBeLessThanOrEqual(6);
    const db = openStore(path, { readonly: true });
    const read = listFlows(db, { limit: 0 }).map((r) => r.record);
    expect(read.sort((a, b) => a.source!.port! - b.source!.port!)).toEqual(flows);
    const dns = db.prepare('SELECT record FROM dns').pluck().get();
    expect(readStoredRecord(db, dns)).toEqual(makeDns('Cdns-1'));
    db.close();
  });

  it('rows read in time order across blocks written in another order, and multi-byte text, come back as written', async () => {
    const path = tmpDb();
    const sink = new SqliteSink(openStore(path), { batchSize: 10_000 });
    sink.startRun(makeRun('R1'));
    // Written in an order unrelated to time (as flows end), so a time-ordered page jumps between 4 blocks.
    const flows = Array.from({ length: 4 * BLOCK_MAX_RECORDS }, (_, i) => {
      const second = (i * 37) % (4 * BLOCK_MAX_RECORDS);
      const f = flowAt(i, `2021-09-01T10:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.000000000Z`);
      f.destination!.domain = `ĳssel-${i}-气象.example`;
      return f;
    });
    for (const f of flows) sink.write(f);
    await sink.close();
    expect(sqlite(path, "SELECT count(*) FROM record_blocks WHERE kind = 'flow'")).toBe('4');
    const db = openStore(path, { readonly: true });
    const byTime = [...flows].sort((a, b) => (a.event.start! < b.event.start! ? 1 : -1));
    expect(listFlows(db, { limit: 0 }).map((r) => r.record)).toEqual(byTime);
    // Any order asked for is the order given back, whatever block each record is in.
    const pointers = db.prepare('SELECT record FROM flows ORDER BY (rowid * 7919) % 1000').pluck().all();
    const expected = pointers.map((p) => readStoredRecord<FlowRecord>(db, p));
    expect(readStoredRecords<FlowRecord>(db, pointers)).toEqual(expected);
    expect(new Set(expected.map((f) => f.groundwatch.flow.uid)).size).toBe(flows.length);
    // Each text exactly as written: no separator kept, none cut (the first, a middle and the last record of a block).
    for (const i of [0, 1, BLOCK_MAX_RECORDS - 1, BLOCK_MAX_RECORDS, flows.length - 1]) {
      const p = db.prepare('SELECT record FROM flows WHERE uid = ?').pluck().get(`Cblk${i}`);
      expect(readStoredText(db, p)).toBe(JSON.stringify(flows[i]));
    }
    db.close();
  });

  it('keeps one block open across flushes, so a slow monitor still fills whole blocks, and readers see it grow', async () => {
    const path = tmpDb();
    const sink = new SqliteSink(openStore(path));
    const reader = openStore(path, { readonly: true });
    for (let i = 0; i < 5; i++) sink.write(flowAt(i, '2021-09-01T10:00:00.000000000Z'));
    sink.flushSync();
    const first = reader.prepare('SELECT record FROM flows ORDER BY rowid LIMIT 1').pluck().get();
    expect(readStoredRecord(reader, first)).toEqual(flowAt(0, '2021-09-01T10:00:00.000000000Z'));
    for (let i = 5; i < 10; i++) sink.write(flowAt(i, '2021-09-01T10:00:01.000000000Z'));
    sink.flushSync();
    expect(sqlite(path, 'SELECT count(*) FROM record_blocks')).toBe('1');
    // The reader decoded the block at 5 records; the 10th is past that copy and must still be found.
    const last = reader.prepare('SELECT record FROM flows ORDER BY rowid DESC LIMIT 1').pluck().get();
    expect(readStoredRecord(reader, last)).toEqual(flowAt(9, '2021-09-01T10:00:01.000000000Z'));
    reader.close();
    await sink.close();
  });

  it('a row the database rejects rolls its transaction back without leaving pointers into blocks that were never written', async () => {
    const path = tmpDb();
    const db = openStore(path);
    db.exec("CREATE TRIGGER reject_dns BEFORE INSERT ON dns WHEN NEW.uid = 'Cbad' BEGIN SELECT RAISE(ABORT, 'rejected'); END");
    const counters = new Counters();
    const sink = new SqliteSink(db, { counters });
    for (let i = 0; i < 3; i++) sink.write(flowAt(i, '2021-09-01T10:00:00.000000000Z'));
    sink.write(makeDns('Cbad'));
    for (let i = 3; i < 6; i++) sink.write(flowAt(i, '2021-09-01T10:00:00.000000000Z'));
    sink.write(makeDns('Cgood'));
    await sink.close();
    expect(counters.get('sink.sqlite.rejected')).toBe(1);
    expect(sqlite(path, 'SELECT count(*) FROM flows')).toBe('6');
    const reader = openStore(path, { readonly: true });
    const flows = reader.prepare('SELECT record FROM flows ORDER BY rowid').pluck().all().map((r) => readStoredRecord<FlowRecord>(reader, r));
    expect(flows.map((f) => f.groundwatch.flow.uid)).toEqual(['Cblk0', 'Cblk1', 'Cblk2', 'Cblk3', 'Cblk4', 'Cblk5']);
    const dns = reader.prepare('SELECT record FROM dns').pluck().all().map((r) => JSON.parse(readStoredText(reader, r)) as { groundwatch: { flow: { uid: string } } });
    expect(dns.map((d) => d.groundwatch.flow.uid)).toEqual(['Cgood']);
    reader.close();
  });

  it('retention deletes a block once every row in it is gone, and keeps one a young row still points into', async () => {
    const path = tmpDb();
    const sink = new SqliteSink(openStore(path));
    const old = Array.from({ length: 200 }, (_, i) => flowAt(i, '2021-06-01T10:00:00.000000000Z'));
    for (const f of old) sink.write(f);
    sink.flushSync();
    // Same open block as the last 72 old flows: that block must stay for these.
    const young = Array.from({ length: 10 }, (_, i) => flowAt(1000 + i, '2021-09-01T09:00:00.000000000Z'));
    for (const f of young) sink.write(f);
    await sink.close();
    expect(sqlite(path, 'SELECT count(*) FROM record_blocks')).toBe('2');

    const db = openStore(path);
    const counters = new Counters();
    new StoreRetention(db, { flowsDays: 10, statsDays: 20, alertsDays: 30 }, counters).runUntilCaughtUp(new Date('2021-09-01T12:00:00Z'));
    db.close();
    expect(counters.get('retention.flows_deleted')).toBe(200);
    expect(counters.get('retention.record_blocks_deleted')).toBe(1);
    expect(sqlite(path, 'SELECT count(*) FROM record_blocks')).toBe('1');
    const reader = openStore(path, { readonly: true });
    expect(listFlows(reader, { limit: 0 }).map((r) => r.record).sort((a, b) => a.source!.port! - b.source!.port!)).toEqual(young);
    reader.close();
  });

  it('the report reads every flow of a store larger than its page of flows', async () => {
    const path = tmpDb();
    const sink = new SqliteSink(openStore(path), { batchSize: 10_000, maxPending: 100_000 });
    sink.startRun(makeRun('R1'));
    // 4,500 flows with equal start times: the keyset paging must order by rowid within them.
    for (let i = 0; i < 4500; i++) sink.write(flowAt(i, `2021-09-01T10:00:0${i % 3}.000000000Z`));
    await sink.close();
    const db = openStore(path, { readonly: true });
    const model = reportFromStore(db, { dbPath: path });
    db.close();
    expect(model.coverage.flows_total).toBe(Number(sqlite(path, 'SELECT count(*) FROM flows')));
    expect(model.coverage.flows_total).toBe(4500);
  });
});
