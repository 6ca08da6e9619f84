/**
 * Builds the ReportModel from records, one at a time: flows, alerts (with their
 * acknowledgements), capture gaps and stats. The store reader and the replay's
 * in-memory sink both feed it, so `report --db` and `replay --report` say the same
 * thing about the same records.
 */
import type { AlertRecord, CaptureGapRecord, FlowRecord, GeoEvidence, StatsRecord } from '../records/ecs.js';
import { DeviceSelector } from '../detect/devices.js';
import { TOOL_VERSION } from '../engine/version.js';
import { alertCard, type Ack } from './alert-card.js';
import { bytesBy } from './charts-data.js';
import { CoverageTally } from './coverage.js';
import { DestinationTable, destinationKey } from './destinations.js';
import { buildTimeline } from './timeline.js';
import { computeVerdict } from './verdict.js';
import { REPORT_SCHEMA_VERSION, type GeoipDatabase, type Integrity, type ReportInput, type ReportModel } from './schema.js';
import { SEVERITY_RANK } from './categories.js';

/** Devices listed in the header; the rest are counted. */
export const DEVICES_LISTED = 50;

export interface ReportContext {
  source: 'store' | 'replay';
  dbPath?: string | null;
  runId?: string | null;
  since?: string | null;
  until?: string | null;
  devices?: string[];
  unitName?: string | null;
  inputs?: ReportInput[];
  integrity?: Integrity | null;
  /** Rule packs as name@version, when known from the session or the runs table. */
  rulePacks?: string[];
  /** A replay input was not read to its end, or nothing read could be decoded (the replay's warnings say which). */
  inputIncomplete?: boolean;
  generatedAt?: Date;
}

export class ReportBuilder {
  private readonly selector: DeviceSelector;
  private readonly table = new DestinationTable();
  private readonly coverage = new CoverageTally();
  private readonly flowKeys = new Map<string, string>();
  private readonly alerts: { rec: AlertRecord; acks: Ack[] }[] = [];
  private readonly devices = new Map<string, { mac: string | null; flows: number }>();
  private readonly databases = new Map<string, GeoipDatabase>();
  private readonly countryBytes = new Map<string, number>();
  private readonly operatorBytes = new Map<string, number>();
  private first: string | null = null;
  private last: string | null = null;

  constructor(devices: string[] = []) {
    this.selector = new DeviceSelector(devices);
  }

  /** False when the flow is not from a selected device (and was left out). */
  addFlow(rec: FlowRecord): boolean {
    if (!this.fromDevice(rec)) return false;
    const key = destinationKey(rec);
    this.flowKeys.set(rec.groundwatch.flow.uid, key);
    this.table.addFlow(rec, key);
    this.coverage.addFlow(rec);
    const bytes = (rec.source?.bytes ?? 0) + (rec.destination?.bytes ?? 0);
    const country = rec.destination?.geo?.country_iso_code ?? (rec.groundwatch.jurisdiction?.special_range ? 'local' : 'unknown');
    this.countryBytes.set(country, (this.countryBytes.get(country) ?? 0) + bytes);
    // operator_country is set for operators in rules/operators.yaml only: anything else is "not listed", not "unknown".
    const operator = rec.groundwatch.jurisdiction?.operator_country ?? (rec.groundwatch.jurisdiction?.special_range ? 'local' : 'not listed');
    this.operatorBytes.set(operator, (this.operatorBytes.get(operator) ?? 0) + bytes);
    const src = rec.source?.ip;
    if (src) {
      const d = this.devices.get(src) ?? { mac: rec.source?.mac ?? null, flows: 0 };
      d.flows++;
      this.devices.set(src, d);
    }
    this.seeDatabases(rec.groundwatch.geoip);
    this.seeTime(rec.event.start ?? rec['@timestamp'], rec.event.end);
    return true;
  }

  /** False when the alert is not from a selected device (and was left out). */
  addAlert(rec: AlertRecord, acks: Ack[] = []): boolean {
    if (!this.fromDevice(rec)) return false;
    this.alerts.push({ rec, acks });
    this.seeDatabases(rec.groundwatch.geoip);
    this.seeTime(rec['@timestamp']);
    return true;
  }

  addGap(rec: CaptureGapRecord): void {
    this.coverage.addGap(rec);
  }

  addStats(rec: StatsRecord): void {
    this.coverage.addStats(rec);
  }

  /** Databases the session had open (a replay without a single public flow still names them). */
  addDatabases(dbs: GeoipDatabase[]): void {
    for (const d of dbs) this.databases.set(`${d.role}|${d.path}`, d);
  }

  finish(ctx: ReportContext): ReportModel {
    // Alerts join their flow's destination row, so an alert raised before the flow's name was known lands on the named row.
    for (const { rec } of this.alerts) this.table.addAlert(rec, this.flowKeys.get(rec.groundwatch.flow.uid) ?? destinationKey(rec));
    const destinations = this.table.rows();
    const window = { start: ctx.since ?? this.first, end: ctx.until ?? this.last };
    const coverage = this.coverage.summary(window, ctx.inputIncomplete ?? false);
    const cards = this.alerts
      .map(({ rec, acks }) => alertCard(rec, acks, this.flowKeys.get(rec.groundwatch.flow.uid) ?? destinationKey(rec)))
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0) || (a.id < b.id ? -1 : 1));
    const concerningUids = new Set<string>();
    for (const [uid, key] of this.flowKeys) if (this.table.categoryOf(key) !== 'other') concerningUids.add(uid);
    for (const c of cards) if (this.table.categoryOf(c.destination_key) !== 'other') concerningUids.add(c.flow_uid);
    const devicesRequested = ctx.devices ?? [];
    const deviceList = [...this.devices].sort(([, a], [, b]) => b.flows - a.flows).map(([ip, d]) => ({ ip, mac: d.mac, flows: d.flows }));
    const verdict = computeVerdict({ destinations, concerningFlows: concerningUids.size, coverage, devicesRequested, devicesSeen: deviceList.map((d) => d.ip) });
    return {
      schema_version: REPORT_SCHEMA_VERSION,
      generated_at: (ctx.generatedAt ?? new Date()).toISOString(),
      tool_version: TOOL_VERSION,
      unit_name: ctx.unitName ?? null,
      scope: {
        source: ctx.source,
        db_path: ctx.dbPath ?? null,
        run_id: ctx.runId ?? null,
        since: ctx.since ?? null,
        until: ctx.until ?? null,
        devices_requested: devicesRequested,
      },
      window,
      devices: deviceList.slice(0, DEVICES_LISTED),
      devices_more: Math.max(0, deviceList.length - DEVICES_LISTED),
      inputs: ctx.inputs ?? [],
      rule_packs: ctx.rulePacks ?? [],
      geoip_databases: [...this.databases.values()].sort((a, b) => a.role.localeCompare(b.role) || a.path.localeCompare(b.path)),
      verdict,
      coverage,
      destinations,
      charts: {
        bytes_by_country: bytesBy(this.countryBytes),
        bytes_by_operator_country: bytesBy(this.operatorBytes),
        timeline: buildTimeline(window, this.table.entries(), cards.map((c) => ({ ts: c.ts, severity: c.severity, category: this.table.categoryOf(c.destination_key) }))),
      },
      alerts: cards,
      integrity: ctx.integrity ?? null,
    };
  }

  private fromDevice(rec: FlowRecord | AlertRecord): boolean {
    const ip = rec.source?.ip;
    if (ip === undefined) return this.selector.judgesAll;
    return this.selector.matches(ip, rec.source?.mac?.replace(/-/g, ':'));
  }

  private seeDatabases(g: GeoEvidence | undefined): void {
    if (!g) return;
    const add = (role: GeoipDatabase['role'], d: { type: string; path: string; build_date: string } | undefined) => {
      if (d) this.databases.set(`${role}|${d.path}`, { role, type: d.type, path: d.path, build_date: d.build_date });
    };
    add('location', g.country_db);
    add('asn', g.asn_db);
    add('registrant', g.registrant_db);
  }

  private seeTime(start: string, end?: string): void {
    if (this.first === null || start < this.first) this.first = start;
    const e = end ?? start;
    if (this.last === null || e > this.last) this.last = e;
  }
}
