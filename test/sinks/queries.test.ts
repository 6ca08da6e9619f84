import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ackAlert, getAlert, listAlerts, listFlows } from '../../src/sinks/queries.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore, type StoreDb } from '../../src/sinks/sqlite-store.js';
import { makeAlert, makeFlow } from './fixtures.js';

let db: StoreDb;

beforeAll(async () => {
  db = openStore(join(mkdtempSync(join(tmpdir(), 'gw-q-')), 'store.db'));
  const sink = new SqliteSink(db);
  sink.write(makeFlow({ uid: 'F1', ts: '2021-08-31T23:59:59.999999999Z', src: '10.0.0.1', dst: '47.88.1.2', dport: 443, domain: 'mydjiflight.dji.com', country: 'CN' }));
  sink.write(makeFlow({ uid: 'F2', ts: '2021-09-01T00:00:00.000000000Z', src: '10.0.0.2', dst: '8.8.8.8', dport: 53, transport: 'udp', country: 'US', asn: 15169 }));
  sink.write(makeFlow({ uid: 'F3', ts: '2021-09-01T12:00:00.000000001Z', src: '47.88.1.2', dst: '10.0.0.9', dport: 8080, domain: 'notdji.com', country: 'DE' }));
  sink.write(makeFlow({ uid: 'F4', ts: '2021-09-02T08:00:00.000000000Z', src: '10.0.0.1', dst: '52.1.1.1', dport: 443, domain: 'DJI.COM', country: 'US' }));
  sink.write(makeAlert({ id: 'A1', ts: '2021-09-01T01:00:00.000000000Z', severity: 'low', rule: 'gw.cn.located', category: 'cn_located', src: '10.0.0.1', mac: '60-60-1F-00-00-01', country: 'CN', asn: 37963, domain: 'a.aliyuncs.com' }));
  sink.write(makeAlert({ id: 'A2', ts: '2021-09-01T02:00:00.000000000Z', severity: 'high', rule: 'gw.dji.endpoint', category: 'dji_endpoint', src: '10.0.0.2', mac: '60-60-1F-00-00-02', country: 'US', asn: 16509, domain: 'us.mydjiflight.dji.com' }));
  sink.write(makeAlert({ id: 'A3', ts: '2021-09-03T00:00:00.000000000Z', severity: 'critical', rule: 'gw.dji.endpoint', category: 'dji_endpoint', src: '10.0.0.1', mac: '60-60-1F-00-00-01', country: 'CN', asn: 37963, domain: 'dji.com' }));
  sink.write(makeAlert({ id: 'A4', ts: '2021-09-03T01:00:00.000000000Z', severity: 'info', rule: 'gw.unnamed', category: 'unnamed', src: '10.0.0.3', mac: '60-60-1F-00-00-03', country: 'SG', asn: 45102 }));
  await sink.flush();
});

const flowUids = (f: Parameters<typeof listFlows>[1]) => listFlows(db, f).map((r) => r.uid).sort();
const alertIds = (f: Parameters<typeof listAlerts>[1]) => listAlerts(db, f).map((r) => r.id).sort();

describe('listFlows filters', () => {
  it('lists newest first without filters', () => {
    expect(listFlows(db).map((r) => r.uid)).toEqual(['F4', 'F3', 'F2', 'F1']);
  });
  it('since (inclusive) / until (exclusive) accept dates and timestamps', () => {
    expect(flowUids({ since: '2021-09-01' })).toEqual(['F2', 'F3', 'F4']);
    expect(flowUids({ since: '2021-09-01', until: '2021-09-02' })).toEqual(['F2', 'F3']);
    expect(flowUids({ since: '2021-09-01T12:00:00.000000001Z' })).toEqual(['F3', 'F4']);
    expect(flowUids({ since: '2021-09-01T14:00:00+02:00', until: '2021-09-01T12:00:00.000000002' })).toEqual(['F3']);
  });
  it('ip matches either side; src and dst one side each', () => {
    expect(flowUids({ ip: '47.88.1.2' })).toEqual(['F1', 'F3']);
    expect(flowUids({ src: '47.88.1.2' })).toEqual(['F3']);
    expect(flowUids({ dst: '47.88.1.2' })).toEqual(['F1']);
  });
  it('domain matches the name and its subdomains only, case-insensitively', () => {
    expect(flowUids({ domain: 'dji.com' })).toEqual(['F1', 'F4']); // not notdji.com
    expect(flowUids({ domain: '*.DJI.com.' })).toEqual(['F1', 'F4']);
    expect(flowUids({ domain: 'mydjiflight.dji.com' })).toEqual(['F1']);
    expect(flowUids({ domain: '%.com' })).toEqual([]); // LIKE wildcards are literal
  });
  it('port, transport, country, limit', () => {
    expect(flowUids({ port: 443 })).toEqual(['F1', 'F4']);
    expect(flowUids({ transport: 'UDP' })).toEqual(['F2']);
    expect(flowUids({ country: 'us' })).toEqual(['F2', 'F4']);
    expect(listFlows(db, { limit: 2 }).map((r) => r.uid)).toEqual(['F4', 'F3']);
    expect(flowUids({ port: 443, country: 'US' })).toEqual(['F4']);
  });
  it('rejects an unparseable time with a USAGE error', () => {
    expect(() => listFlows(db, { since: 'yesterday' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => listFlows(db, { since: '2021-02-30' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
  it('names the filter, never a command-line flag (the store has callers without flags)', () => {
    expect(() => listFlows(db, { until: 'soon' })).toThrow(expect.objectContaining({ filter: 'until' }));
    expect(() => listFlows(db, { limit: -1 })).toThrow(expect.objectContaining({ filter: 'limit' }));
    expect(() => listFlows(db, { limit: -1 })).toThrow(/^limit filter: expected a whole number >= 0, got -1$/);
  });
});

describe('listAlerts filters', () => {
  it('severity is a minimum', () => {
    expect(alertIds({ severity: 'high' })).toEqual(['A2', 'A3']);
    expect(alertIds({ severity: 'info' })).toEqual(['A1', 'A2', 'A3', 'A4']);
    expect(alertIds({ severity: 'critical' })).toEqual(['A3']);
  });
  it('time range, rule, category', () => {
    expect(alertIds({ since: '2021-09-01', until: '2021-09-02' })).toEqual(['A1', 'A2']);
    expect(alertIds({ rule: 'gw.dji.endpoint' })).toEqual(['A2', 'A3']);
    expect(alertIds({ category: 'unnamed' })).toEqual(['A4']);
  });
  it('device matches the source ip or the source mac (any case)', () => {
    expect(alertIds({ device: '10.0.0.1' })).toEqual(['A1', 'A3']);
    expect(alertIds({ device: '60:60:1F:00:00:01' })).toEqual(['A1', 'A3']);
    expect(alertIds({ device: '60:60:1f:00:00:02' })).toEqual(['A2']);
  });
  it('device takes a MAC in ECS form too, and matches rows older stores wrote with colons', async () => {
    expect(alertIds({ device: '60-60-1F-00-00-01' })).toEqual(['A1', 'A3']);
    expect(alertIds({ device: '60-60-1f-00-00-03' })).toEqual(['A4']);
    const legacy = openStore(join(mkdtempSync(join(tmpdir(), 'gw-q-legacy-')), 'store.db'));
    const sink = new SqliteSink(legacy);
    sink.write(makeAlert({ id: 'L1', src: '10.0.0.7', mac: '60-60-1F-00-00-07' }));
    await sink.flush();
    // What a store written before records carried ECS MACs holds in the column.
    legacy.prepare("UPDATE alerts SET source_mac = '60:60:1f:00:00:07' WHERE id = 'L1'").run();
    expect(listAlerts(legacy, { device: '60-60-1F-00-00-07' }).map((r) => r.id)).toEqual(['L1']);
    expect(listAlerts(legacy, { device: '60:60:1F:00:00:07' }).map((r) => r.id)).toEqual(['L1']);
    expect(listAlerts(legacy, { device: '60:60:1F:00:00:08' })).toEqual([]);
    legacy.close();
  });
  it('country, asn, domain suffix, limit', () => {
    expect(alertIds({ country: 'CN' })).toEqual(['A1', 'A3']);
    expect(alertIds({ asn: 37963 })).toEqual(['A1', 'A3']);
    expect(alertIds({ domain: 'dji.com' })).toEqual(['A2', 'A3']);
    expect(listAlerts(db, { limit: 1 }).map((a) => a.id)).toEqual(['A4']);
  });
});

describe('acknowledgements', () => {
  it('ack adds an audit row and leaves the alert row byte-for-byte unchanged', () => {
    const before = db.prepare("SELECT * FROM alerts WHERE id = 'A2'").get();
    const ack = ackAlert(db, 'A2', { by: 'duty-officer', note: 'known: firmware check', at: new Date('2026-02-01T10:00:00Z') });
    ackAlert(db, 'A2', { note: 'second look' });
    expect(db.prepare("SELECT * FROM alerts WHERE id = 'A2'").get()).toEqual(before);
    const shown = getAlert(db, 'A2');
    expect(shown?.acked).toBe(true);
    expect(shown?.acks[0]).toEqual({ alert_id: 'A2', acked_by: 'duty-officer', acked_at: '2026-02-01T10:00:00.000Z', note: 'known: firmware check' });
    expect(ack).toEqual(shown?.acks[0]);
    expect(shown?.acks[1]?.acked_by).not.toBe('');
    expect(shown?.record).toEqual(makeAlert({ id: 'A2', ts: '2021-09-01T02:00:00.000000000Z', severity: 'high', rule: 'gw.dji.endpoint', category: 'dji_endpoint', src: '10.0.0.2', mac: '60-60-1F-00-00-02', country: 'US', asn: 16509, domain: 'us.mydjiflight.dji.com' }));
    expect(listAlerts(db, { rule: 'gw.cn.located' })[0]?.acked).toBe(false);
  });
  it('ack of an unknown id -> NOT_FOUND, nothing written', () => {
    expect(() => ackAlert(db, 'nope', { note: 'x' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(db.prepare("SELECT count(*) AS n FROM alert_acks WHERE alert_id = 'nope'").get()).toEqual({ n: 0 });
  });
  it('getAlert of an unknown id is undefined', () => {
    expect(getAlert(db, 'nope')).toBeUndefined();
  });
});
