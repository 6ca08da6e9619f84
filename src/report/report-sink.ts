/**
 * `replay --report` (also with `--no-db`): a sink that feeds the session's records to the
 * ReportBuilder as they are written, so the report needs no store and holds aggregates,
 * not records.
 */
import type { AlertRecord, CaptureGapRecord, CaptureRun, FlowRecord, GroundwatchRecord, StatsRecord } from '../records/ecs.js';
import type { Sink } from '../sinks/sink.js';
import { ReportBuilder } from './builder.js';
import type { GeoipDatabase, ReportModel } from './schema.js';

export interface SessionFacts {
  run: Readonly<Pick<CaptureRun, 'id' | 'tool_version' | 'mode' | 'started_at' | 'ended_at' | 'interface' | 'sources' | 'rules'>>;
  databases: GeoipDatabase[];
}

/** The GeoIP databases a session had open, as the report names them (the resolver's `country` role is the location database). */
export function sessionDatabases(geo: { databases(): { role: string; type: string; path: string; buildDate: string }[] }): GeoipDatabase[] {
  return geo.databases().map((d) => ({
    role: d.role === 'country' ? 'location' : d.role === 'asn' ? 'asn' : 'registrant',
    type: d.type,
    path: d.path,
    build_date: d.buildDate,
  }));
}

export class ReportSink implements Sink {
  readonly name = 'report';
  private readonly builder: ReportBuilder;

  constructor(private readonly devices: string[] = []) {
    this.builder = new ReportBuilder(devices);
  }

  write(rec: GroundwatchRecord): void {
    switch (rec.event.dataset) {
      case 'groundwatch.flow':
        this.builder.addFlow(rec as FlowRecord);
        break;
      case 'groundwatch.alert':
        this.builder.addAlert(rec as AlertRecord);
        break;
      case 'groundwatch.capture_gap':
        this.builder.addGap(rec as CaptureGapRecord);
        break;
      case 'groundwatch.stats':
        this.builder.addStats(rec as StatsRecord);
        break;
      default:
        break;
    }
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}

  /** The report of everything written so far (call after the session closed). */
  model(facts: SessionFacts, extra: { unitName?: string | null; inputIncomplete?: boolean; generatedAt?: Date } = {}): ReportModel {
    this.builder.addDatabases(facts.databases);
    const r = facts.run;
    return this.builder.finish({
      source: 'replay',
      devices: this.devices,
      unitName: extra.unitName ?? null,
      inputs: [{
        run_id: r.id, mode: r.mode, tool_version: r.tool_version, started_at: r.started_at, ended_at: r.ended_at ?? null,
        interface: r.interface ?? null, files: r.sources.map((s) => ({ ...s })),
      }],
      rulePacks: [...(r.rules ?? [])],
      inputIncomplete: extra.inputIncomplete ?? false,
      ...(extra.generatedAt ? { generatedAt: extra.generatedAt } : {}),
    });
  }
}
