/**
 * `flows show <uid>`: one flow with the DNS messages it carried and the alerts
 * raised on it. A uid is deterministic (the same capture gives the same uids),
 * so a re-replayed input has the uid once per run: the run asked for, else
 * the latest run that has it.
 */
import { GroundwatchError } from '../errors.js';
import type { DnsRecord } from '../records/ecs.js';
import { resolveIdPrefix } from './id-prefix.js';
import { cachedStatement } from './query-builder.js';
import { alertsOfFlow, toFlowRow, type AlertRow, type FlowRow } from './queries.js';
import { runColumnValues } from './run-keys.js';
import { resolveRunId } from './run-scope.js';
import type { StoreDb } from './sqlite-store.js';
import { readStoredRecord } from './stored-record-reader.js';

export interface FlowDetail {
  flow: FlowRow;
  dns: DnsRecord[];
  alerts: AlertRow[];
}

export function getFlowDetail(db: StoreDb, uidOrPrefix: string, opts: { run?: string | undefined } = {}): FlowDetail {
  const uid = resolveIdPrefix(db, 'flows', 'uid', uidOrPrefix, 'flow');
  const run = opts.run === undefined ? undefined : resolveRunId(db, opts.run);
  const row = (run === undefined
    ? cachedStatement(db, 'SELECT * FROM flows WHERE uid = ? ORDER BY rowid DESC LIMIT 1').get(uid)
    : cachedStatement(db, 'SELECT * FROM flows WHERE uid = ? AND run_id IN (?, ?) ORDER BY rowid DESC LIMIT 1').get(uid, ...runColumnValues(db, run))) as
    | Record<string, unknown>
    | undefined;
  if (!row) throw new GroundwatchError('NOT_FOUND', `flow ${uid} is not in run ${run}`);
  const flow = toFlowRow(db, row);
  // The flow's DNS rows were written by the same sink: the same form of run_id (key or id) as its own.
  const dns = (cachedStatement(db, 'SELECT record FROM dns WHERE uid = ? AND run_id IS ? ORDER BY ts, rowid').pluck().all(uid, row['run_id']) as unknown[])
    .map((r) => readStoredRecord<DnsRecord>(db, r));
  return { flow, dns, alerts: alertsOfFlow(db, uid) };
}
