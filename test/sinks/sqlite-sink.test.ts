import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { ECS_VERSION, type CaptureGapRecord, type StatsRecord } from '../../src/records/ecs.js';
import { listDnsPage } from '../../src/sinks/dns-queries.js';
import { getAlert, listAlerts, listFlows } from '../../src/sinks/queries.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { decodeRecord } from '../../src/sinks/stored-record.js';
import { readStoredRecord } from '../../src/sinks/stored-record-reader.js';
import { makeAlert, makeDns, makeFlow, makeRun } from './fixtures.js';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'gw-sqlite-')), 'store.db');

describe('SqliteSink round trip', () => {
  it('flows and alerts come back with the same ECS values, columns mirroring the record', async () => {
    const path = tmpDb();
    const sink = new SqliteSink(openStore(path));
    const flow = makeFlow({ uid: 'CxYz', domain: 'mydjiflight.dji.com', dport: 8443, sport: 51234, country: 'CN', asn: 37963 });
    const alert = makeAlert({ id: 'A-round', domain: 'mydjiflight.dji.com', severity: 'critical' });
    sink.startRun(makeRun('R1'));
    sink.write(flow);
    sink.write(alert);
    await sink.close();

    const db = openStore(path, { readonly: true });
    const [f] = listFlows(db);
    expect(f?.record).toEqual(flow);
    expect(f).toMatchObject({
      uid: flow.groundwatch.flow.uid, run_id: 'R1', ts_start: flow.event.start, source_ip: flow.source?.ip,
      source_port: 51234, source_mac: flow.source?.mac, destination_ip: flow.destination?.ip, destination_port: 8443,
      destination_domain: 'mydjiflight.dji.com', name_source: 'tls_sni', country: 'CN', asn: 37963,
      as_org: flow.destination?.as?.organization?.name, operator_country: 'CN', transport: 'tcp',
      community_id: flow.network?.community_id, source_bytes: 1200, source_packets: 10, destination_bytes: 5400,
      destination_packets: 8, end_reason: 'fin',
    });
    const [a] = listAlerts(db);
    expect(a?.record).toEqual(alert);
    expect(a).toMatchObject({
      id: 'A-round', run_id: 'R1', severity: 'critical', severity_num: 5, rule_id: alert.rule.id,
      rule_version: alert.rule.version, ruleset: alert.rule.ruleset, category: 'dji_endpoint', flow_uid: 'Cflow1',
      destination_domain: 'mydjiflight.dji.com', repeats: 0, acked: false,
    });
    db.close();
  });

  it('stores dns, stats, capture gaps and run provenance', async () => {
    const path = tmpDb();
    const sink = new SqliteSink(openStore(path));
    const run = makeRun('R2');
    const stats: StatsRecord = {
      '@timestamp': '2021-09-01T10:05:00.000000000Z', ecs: { version: ECS_VERSION }, event: { kind: 'metric', dataset: 'groundwatch.stats' },
      groundwatch: { stats: { packets: 10 } },
    };
    const gap: CaptureGapRecord = {
      '@timestamp': '2021-09-01T10:06:00.000000000Z', ecs: { version: ECS_VERSION }, event: { kind: 'event', dataset: 'groundwatch.capture_gap' },
      groundwatch: { gap: { start: '2021-09-01T10:06:00.000000000Z', end: '2021-09-01T10:07:00.000000000Z', reason: 'interface_down', interface: 'eth0' } },
    };
    sink.startRun(run);
    [makeDns('Cd'), stats, gap].forEach((r) => sink.write(r));
    sink.endRun({ ...run, ended_at: '2026-01-01T00:10:00.000Z', packets: 99, flows: 3 });
    await sink.close();

    const db = new Database(path, { readonly: true });
    const dns = db.prepare('SELECT * FROM dns').get() as Record<string, unknown>;
    expect(readStoredRecord(db, dns['record'])).toEqual(makeDns('Cd'));
    // Written with the columns queries use, the run by its key; the rest (schema 11) are left NULL and read from the record.
    expect(db.prepare('SELECT key, run_id FROM run_keys').all()).toEqual([{ key: 1, run_id: 'R2' }]);
    expect(dns).toMatchObject({
      uid: 'Cd', run_id: '1', source_ip: '192.168.1.20', destination_ip: '114.114.114.114',
      dns_question_name: 'mydjiflight.dji.com', dns_question_type: 'A',
      transport: null, source_port: null, destination_port: null, dns_id: null, dns_type: null, dns_response_code: null, dns_resolved_ip: null,
    });
    const [listed] = listDnsPage(db).rows;
    expect(listed).toMatchObject({
      uid: 'Cd', run_id: 'R2', transport: 'udp', source_port: 53000, destination_port: 53,
      dns_id: 4660, dns_type: 'answer', dns_question_name: 'mydjiflight.dji.com', dns_question_type: 'A', dns_response_code: 'NOERROR',
    });
    expect(Object.keys(listed!)).toEqual(Object.keys(dns).filter((k) => k !== 'rowid'));
    expect(JSON.parse(listed!.dns_resolved_ip!)).toEqual(['47.88.1.2']);
    expect(decodeRecord((db.prepare('SELECT record FROM stats').get() as { record: unknown }).record)).toEqual(stats);
    expect(db.prepare('SELECT run_id, interface, reason, ts_start, ts_end FROM capture_gaps').get()).toEqual({
      run_id: 'R2', interface: 'eth0', reason: 'interface_down', ts_start: gap.groundwatch.gap.start, ts_end: gap.groundwatch.gap.end,
    });
    const runRow = db.prepare('SELECT * FROM runs').get() as Record<string, unknown>;
    expect(runRow).toMatchObject({ id: 'R2', mode: 'replay', ended_at: '2026-01-01T00:10:00.000Z', packets: 99, flows: 3 });
    expect(JSON.parse(runRow['sources'] as string)).toEqual(run.sources);
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    db.close();
  });

  it('updateAlertRepeats updates the columns and the stored record', async () => {
    const db = openStore(tmpDb());
    const sink = new SqliteSink(db);
    sink.write(makeAlert({ id: 'A-rep' }));
    sink.updateAlertRepeats('A-rep', 7, '2021-09-01T11:00:00Z');
    await sink.flush();
    const a = getAlert(db, 'A-rep');
    expect(a?.repeats).toBe(7);
    expect(a?.last_seen).toBe('2021-09-01T11:00:00.000000000Z');
    expect(a?.record.groundwatch.repeats).toBe(7);
    expect({ ...a?.record, groundwatch: { ...a?.record.groundwatch, repeats: 0 } }).toEqual(makeAlert({ id: 'A-rep' }));
  });

  it('writes a whole flush in one transaction and asks for a flush at the batch size', async () => {
    const db = openStore(tmpDb());
    const sink = new SqliteSink(db, { batchSize: 3 });
    sink.write(makeFlow({ uid: 'C1' }));
    sink.write(makeFlow({ uid: 'C2' }));
    expect(sink.needsFlush()).toBe(false);
    sink.write(makeFlow({ uid: 'C3' }));
    expect(sink.needsFlush()).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM flows').get()).toEqual({ n: 0 }); // nothing before the flush
    await sink.flush();
    expect(db.prepare('SELECT count(*) AS n FROM flows').get()).toEqual({ n: 3 });
    expect(sink.pendingCount).toBe(0);
  });

  it('keeps the exact bytes of hostile strings', async () => {
    const db = openStore(tmpDb());
    const sink = new SqliteSink(db);
    const hostile = '\u001b[31m=HYPERLINK("x")\u202e\u0007@SUM\u009b\u0000end';
    sink.write(makeAlert({ id: 'H', domain: hostile }));
    // A lone surrogate is not valid UTF-8, so a TEXT column cannot hold it; the record JSON escapes it.
    sink.write(makeAlert({ id: 'S', domain: 'lone\ud800' }));
    await sink.flush();
    const raw = db.prepare("SELECT destination_domain FROM alerts WHERE id = 'H'").get() as { destination_domain: string };
    expect(raw.destination_domain).toBe(hostile);
    expect(getAlert(db, 'H')?.record.destination?.domain).toBe(hostile);
    expect(getAlert(db, 'S')?.record.destination?.domain).toBe('lone\ud800');
  });

  it('drops and counts a record missing its required fields instead of stalling', async () => {
    const counters = new Counters();
    const db = openStore(tmpDb());
    const sink = new SqliteSink(db, { counters });
    const broken = makeAlert({ id: 'bad' }) as unknown as { rule?: unknown };
    delete broken.rule;
    sink.write(broken as never);
    sink.write(makeAlert({ id: 'good' }));
    await sink.flush();
    expect(counters.get('sink.sqlite.invalid_records')).toBe(1);
    expect(listAlerts(db).map((a) => a.id)).toEqual(['good']);
  });
});
