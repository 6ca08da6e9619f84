/** Runs the real replay engine in-process and keeps every record, for behaviour tests (pcap in, records out). */
import { Writable } from 'node:stream';
import { runReplay, type ReplayOptions, type ReplayResult } from '../../src/engine/replay.js';
import type { AlertRecord, DnsRecord, FlowRecord, GroundwatchRecord, StatsRecord } from '../../src/records/ecs.js';
import type { Sink } from '../../src/sinks/sink.js';
import { MAX_GEOIP_MAX_AGE_DAYS } from '../../src/enrich/staleness.js';

export class MemorySink implements Sink {
  readonly name = 'memory';
  readonly records: GroundwatchRecord[] = [];
  write(rec: GroundwatchRecord): void {
    this.records.push(structuredClone(rec));
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

export interface Replayed {
  result: ReplayResult;
  records: GroundwatchRecord[];
  flows: FlowRecord[];
  dns: DnsRecord[];
  alerts: AlertRecord[];
  stats: StatsRecord;
  warnings: string[];
}

export async function replayFiles(files: string[], opts: Partial<ReplayOptions> = {}): Promise<Replayed> {
  const sink = new MemorySink();
  const warnings: string[] = [];
  const result = await runReplay({
    files,
    failOn: 'never',
    dbPath: null,
    stdoutFormat: 'none',
    events: 'all',
    stdout: new Writable({ write: (_c, _e, cb) => cb() }),
    warn: (line) => warnings.push(line),
    // The shipped GeoIP data is months old: accepted, so `warnings` holds only what the replayed input caused.
    geoipMaxAgeDays: MAX_GEOIP_MAX_AGE_DAYS,
    ...opts,
    extraSinks: [sink, ...(opts.extraSinks ?? [])],
  });
  const of = <T extends GroundwatchRecord>(dataset: string) => sink.records.filter((r) => r.event.dataset === dataset) as T[];
  return {
    result,
    records: sink.records,
    flows: of<FlowRecord>('groundwatch.flow'),
    dns: of<DnsRecord>('groundwatch.dns'),
    alerts: of<AlertRecord>('groundwatch.alert'),
    stats: of<StatsRecord>('groundwatch.stats').at(-1)!,
    warnings,
  };
}
