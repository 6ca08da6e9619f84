/**
 * Lean flow and DNS rows (schema 11): columns no query uses are left NULL and read from the record,
 * and run_id holds the run's key from run_keys. A schema 10 store keeps its rows as written (every
 * column, the run's id) and every reader takes both kinds side by side. Oracles: the sqlite3 shell
 * for what is stored, the records as this test wrote them for what reads back.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DnsRecord, FlowRecord } from '../../src/records/ecs.js';
import { reportFromStore } from '../../src/report/from-store.js';
import { listDnsPage } from '../../src/sinks/dns-queries.js';
import { getFlowDetail } from '../../src/sinks/flow-detail.js';
import { listFlows } from '../../src/sinks/queries.js';
import { listRunsPage } from '../../src/sinks/run-queries.js';
import { MIGRATIONS, migrate } from '../../src/sinks/sqlite-schema.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { makeDns, makeFlow, makeRun } from './fixtures.js';

const OLD_RUN = '0b3f6a2e-51c4-4d0e-9d7a-3f1e2a4b5c6d';
const NEW_RUN = '7c9e1d2f-0a3b-4c5d-8e6f-1a2b3c4d5e6f';
const sqlite3 = (path: string, sql: string) => execFileSync('sqlite3', ['-readonly', '-separator', '|', path, sql], { encoding: 'utf8' }).trim().split('\n');

/** A schema 10 store holding one replay's flow and DNS message, written the way schema 10 code wrote them. */
function schema10Store(oldFlow: FlowRecord, oldDns: DnsRecord): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gw-lean-')), 'store.db');
  const db = new Database(path);
  migrate(db, MIGRATIONS.filter((m) => m.version <= 10));
  const run = makeRun(OLD_RUN);
  db.prepare("INSERT INTO runs (id, tool_version, mode, started_at, ended_at, sources, input_key) VALUES (?, '0.1.0', 'replay', '2021-09-01T09:00:00.000Z', '2021-09-01T09:10:00.000Z', ?, ?)")
    .run(OLD_RUN, JSON.stringify(run.sources), run.sources.map((s) => s.sha256).join(','));
  db.prepare(`INSERT INTO flows (uid, run_id, ts_start, ts_end, transport, community_id, source_ip, source_port, source_mac, destination_ip,
      destination_port, destination_domain, name_source, country, asn, as_org, operator_country, source_bytes, source_packets,
      destination_bytes, destination_packets, end_reason, start_seen, orientation, record)
    VALUES ('Cold', ?, ?, ?, 'tcp', ?, '192.168.1.20', 50001, '60-60-1F-AA-BB-CC', '47.88.1.2', 443, 'old.dji.com', 'tls_sni', 'CN', 45102,
      'Alibaba US Technology Co., Ltd.', 'CN', 1200, 10, 5400, 8, 'fin', 1, 'syn', ?)`)
    .run(OLD_RUN, oldFlow.event.start, oldFlow.event.end, oldFlow.network!.community_id, JSON.stringify(oldFlow));
  db.prepare(`INSERT INTO dns (uid, run_id, ts, transport, source_ip, source_port, destination_ip, destination_port, dns_id, dns_type,
      dns_question_name, dns_question_type, dns_response_code, dns_resolved_ip, record)
    VALUES ('Cold', ?, ?, 'udp', '192.168.1.20', 53000, '114.114.114.114', 53, 4660, 'answer', 'mydjiflight.dji.com', 'A', 'NOERROR', '["47.88.1.2"]', ?)`)
    .run(OLD_RUN, oldDns['@timestamp'], JSON.stringify(oldDns));
  db.close();
  return path;
}

describe('lean flow and DNS rows (schema 11)', () => {
  const oldFlow = makeFlow({ uid: 'Cold', sport: 50001, domain: 'old.dji.com' });
  const oldDns = makeDns('Cold');
  const newFlow = makeFlow({ uid: 'Cnew', sport: 50002, domain: 'new.dji.com', ts: '2021-09-02T10:00:00.000000000Z' });
  newFlow.groundwatch.flow = { ...newFlow.groundwatch.flow, start_seen: false, orientation: 'port' };
  const newDns = { ...makeDns('Cnew'), '@timestamp': '2021-09-02T10:00:00.100000000Z' };

  async function upgradedStore(): Promise<string> {
    const path = schema10Store(oldFlow, oldDns);
    const sink = new SqliteSink(openStore(path));
    sink.startRun(makeRun(NEW_RUN));
    sink.write(newFlow);
    sink.write(newDns);
    await sink.close();
    return path;
  }

  it('new rows hold the run key and NULL where no query looks; old rows stay as written (sqlite3)', async () => {
    const path = await upgradedStore();
    expect(sqlite3(path, 'PRAGMA user_version')).toEqual(['11']);
    expect(sqlite3(path, 'SELECT key, run_id FROM run_keys')).toEqual([`1|${NEW_RUN}`]);
    expect(sqlite3(path, "SELECT uid, run_id, destination_domain, destination_port, country, asn, quote(source_port), quote(ts_end), quote(as_org), quote(start_seen) FROM flows ORDER BY uid")).toEqual([
      `Cnew|1|new.dji.com|443|CN|45102|NULL|NULL|NULL|NULL`,
      `Cold|${OLD_RUN}|old.dji.com|443|CN|45102|50001|'${oldFlow.event.end}'|'Alibaba US Technology Co., Ltd.'|1`,
    ]);
    expect(sqlite3(path, 'SELECT uid, run_id, dns_question_name, dns_question_type, quote(dns_id), quote(dns_resolved_ip) FROM dns ORDER BY uid')).toEqual([
      'Cnew|1|mydjiflight.dji.com|A|NULL|NULL',
      `Cold|${OLD_RUN}|mydjiflight.dji.com|A|4660|'["47.88.1.2"]'`,
    ]);
  });

  it('readers give every column and the run id for both kinds of row', async () => {
    const db = openStore(await upgradedStore(), { readonly: true });
    const flows = listFlows(db, { allRuns: true });
    expect(flows.map((f) => f.record)).toEqual([newFlow, oldFlow]);
    const expectedColumns = (f: FlowRecord, run: string) => ({
      uid: f.groundwatch.flow.uid, run_id: run, ts_start: f.event.start, ts_end: f.event.end, source_port: f.source!.port,
      source_mac: f.source!.mac, destination_domain: f.destination!.domain, name_source: 'tls_sni', as_org: 'Alibaba US Technology Co., Ltd.',
      operator_country: 'CN', community_id: f.network!.community_id, source_bytes: 1200, source_packets: 10, destination_bytes: 5400,
      destination_packets: 8, end_reason: 'fin', start_seen: f.groundwatch.flow.start_seen ? 1 : 0, orientation: f.groundwatch.flow.orientation,
    });
    expect(flows[0]).toMatchObject(expectedColumns(newFlow, NEW_RUN));
    expect(flows[1]).toMatchObject(expectedColumns(oldFlow, OLD_RUN));

    const dns = listDnsPage(db, { allRuns: true }).rows;
    for (const [row, run] of [[dns[0]!, NEW_RUN], [dns[1]!, OLD_RUN]] as const) {
      expect(row).toMatchObject({ run_id: run, transport: 'udp', source_port: 53000, destination_port: 53, dns_id: 4660, dns_type: 'answer', dns_response_code: 'NOERROR', dns_resolved_ip: '["47.88.1.2"]' });
    }
    db.close();
  });

  it('run scopes: the default is the latest run of the input; --run reaches either; counts, flow detail and the report follow', async () => {
    const path = await upgradedStore();
    const db = openStore(path, { readonly: true });
    expect(listFlows(db).map((f) => f.uid)).toEqual(['Cnew']);
    expect(listDnsPage(db).rows.map((d) => d.uid)).toEqual(['Cnew']);
    expect(listFlows(db, { run: OLD_RUN.slice(0, 8) }).map((f) => f.uid)).toEqual(['Cold']);
    expect(listFlows(db, { run: NEW_RUN }).map((f) => f.uid)).toEqual(['Cnew']);
    expect(listDnsPage(db, { run: OLD_RUN }).rows.map((d) => d.uid)).toEqual(['Cold']);

    const runs = listRunsPage(db).rows.map((r) => [r.id, r.stored.flows, r.stored.dns, r.latest]);
    expect(runs).toEqual([[NEW_RUN, 1, 1, true], [OLD_RUN, 1, 1, false]]);

    for (const [uid, run, dns] of [['Cold', OLD_RUN, oldDns], ['Cnew', NEW_RUN, newDns]] as const) {
      const detail = getFlowDetail(db, uid, { run });
      expect(detail.flow.run_id).toBe(run);
      expect(detail.dns).toEqual([dns]);
      expect(getFlowDetail(db, uid).dns).toEqual([dns]);
    }
    expect(() => getFlowDetail(db, 'Cold', { run: NEW_RUN })).toThrow(/not in run/);

    for (const run of [OLD_RUN, NEW_RUN]) expect(reportFromStore(db, { dbPath: path, runId: run }).coverage.flows_total).toBe(1);
    // The whole store: the runs its flows name, each by its id (the new flow's row holds the key).
    const whole = reportFromStore(db, { dbPath: path });
    expect(whole.coverage.flows_total).toBe(2);
    expect(whole.inputs.map((i) => i.run_id).sort()).toEqual([OLD_RUN, NEW_RUN].sort());
    db.close();
  });
});
