/**
 * Everything one capture run needs, opened in order and closed in reverse:
 * rules, GeoIP, sinks (stdout, NDJSON file, SQLite), the pipeline, and the
 * run's provenance record. `replay` and `monitor` share it, so the same
 * capture gives the same records live and offline.
 */
import { randomUUID } from 'node:crypto';
import { AlertSuppressor } from '../alerts/index.js';
import type { PipelineLimits } from '../config/limits.js';
import { limitsForBudget, memoryBudget } from '../config/memory-budget.js';
import { Counters } from '../counters.js';
import { IpReassembler } from '../decode/ip-reassembly.js';
import { DeviceSelector } from '../detect/devices.js';
import { FlowJudge } from '../detect/judge.js';
import { GeoResolver } from '../enrich/index.js';
import { Pipeline } from '../pipeline.js';
import type { CaptureRun, GroundwatchRecord, StatsRecord } from '../records/ecs.js';
import type { RunProvenance } from '../records/provenance.js';
import { RuleEngine } from '../rules/engine.js';
import { defaultRulePaths, loadRules } from '../rules/load.js';
import type { RuleSet } from '../rules/types.js';
import { dropReporter, type DropReport } from '../sinks/drop-report.js';
import { SinkFanout } from '../sinks/fanout.js';
import { NdjsonSink } from '../sinks/ndjson.js';
import type { Sink } from '../sinks/sink.js';
import { SqliteSink } from '../sinks/sqlite-sink.js';
import { openStore } from '../sinks/sqlite-store.js';
import { TextSink, wantedOnStdout, type StdoutEvents } from '../sinks/text-sink.js';
import { AlertCollector, DEFAULT_KEPT_ALERTS } from './alert-collector.js';
import { runGeoDatabases } from './run-geoip.js';
import { buildStatsRecord } from './stats.js';
import { TOOL_VERSION } from './version.js';

export interface SessionOptions {
  mode: 'replay' | 'monitor';
  /** SQLite store path, or null for none. */
  dbPath: string | null;
  stdoutFormat: 'text' | 'ndjson' | 'none';
  events: StdoutEvents;
  stdout: NodeJS.WritableStream;
  /** Also write every record to this NDJSON file. */
  ndjsonFile?: string;
  rulePaths?: string[];
  geoipDir?: string;
  devices?: string[];
  /** Table bounds; default: sized from the memory available (or `memoryBudgetMb`). */
  limits?: PipelineLimits;
  /** Memory the run may use, in MiB (`--memory-budget`); default: V8's heap limit and the machine's or cgroup's memory. */
  memoryBudgetMb?: number;
  suppressWindowSeconds?: number;
  interfaceName?: string;
  /** More sinks (tests, embedding applications). */
  extraSinks?: Sink[];
  /** Counters shared with the capture source (opened before the session). */
  counters?: Counters;
  warn: (line: string) => void;
}

/** Open flows ended between two flushes when a session closes. */
const FLOWS_PER_CLOSING_ROUND = 1000;

export class Session {
  readonly counters: Counters;
  readonly collector: AlertCollector;
  readonly run: CaptureRun;
  readonly pipeline: Pipeline;
  readonly sinks: SinkFanout;
  readonly judge: FlowJudge;
  /** Stamped on every flow, DNS and alert record; a replay fills in its capture files once they are open. */
  readonly provenance: { runId: string; files: string[] } & RunProvenance;
  private closed = false;

  private constructor(
    readonly options: SessionOptions,
    readonly rules: RuleSet,
    readonly geo: GeoResolver,
    sinks: Sink[],
    reportDrop: DropReport,
  ) {
    this.counters = options.counters ?? new Counters();
    // A daemon runs for months: it keeps counts, not alert records (those are in the store and the logs).
    this.collector = new AlertCollector(options.mode === 'replay' ? DEFAULT_KEPT_ALERTS : 0);
    const warned = new Set<string>();
    this.sinks = new SinkFanout([...sinks, this.collector], {
      counters: this.counters,
      onError: (sink, err) => {
        const line = `groundwatch: SINK_FAILED: sink ${sink}: ${err instanceof Error ? err.message : String(err)}`;
        if (!warned.has(line)) options.warn(line);
        warned.add(line);
      },
      onDrop: reportDrop,
    });
    this.run = {
      id: randomUUID(),
      tool_version: TOOL_VERSION,
      mode: options.mode,
      started_at: new Date().toISOString(),
      ...(options.interfaceName ? { interface: options.interfaceName } : {}),
      sources: [],
      packets: 0,
      anomalies: 0,
      flows: 0,
      alerts: 0,
      rules: rules.rulesets.map((r) => `${r.name}@${r.version}`),
    };
    this.provenance = { runId: this.run.id, files: [] };
    const limits = options.limits ?? limitsForBudget(memoryBudget(options.memoryBudgetMb));
    this.judge = new FlowJudge(
      new RuleEngine(rules),
      new AlertSuppressor({ windowSec: options.suppressWindowSeconds ?? 300, maxKeys: limits.alertWindows, counters: this.counters }),
      {
        alert: (record) => this.sinks.write(record),
        repeat: (id, repeats, lastSeen, folded) => this.sinks.updateAlertRepeats(id, repeats, lastSeen, folded),
      },
      this.counters,
      this.provenance,
    );
    this.pipeline = new Pipeline({
      counters: this.counters,
      limits,
      geo,
      judge: this.judge,
      devices: new DeviceSelector(options.devices ?? []),
      reassembler: new IpReassembler(this.counters, limits.fragments),
      write: (record: GroundwatchRecord) => this.sinks.write(record),
      provenance: this.provenance,
    });
  }

  /** Opens rules, GeoIP and sinks; any failure is a one-line error before a packet is read. */
  static async open(options: SessionOptions): Promise<Session> {
    const rules = await loadRules(options.rulePaths?.length ? options.rulePaths : defaultRulePaths());
    const geo = await GeoResolver.open({ ...(options.geoipDir ? { dir: options.geoipDir } : {}) });
    const counters = options.counters ?? new Counters();
    const reportDrop = dropReporter(options.warn);
    const sinks: Sink[] = [];
    if (options.stdoutFormat === 'ndjson') sinks.push(new FilteredSink(new NdjsonSink({ dest: 1, name: 'stdout', counters, onDrop: (n) => reportDrop('stdout', n) }), options.events));
    if (options.stdoutFormat === 'text') sinks.push(new TextSink(options.stdout, options.events));
    if (options.ndjsonFile) sinks.push(new NdjsonSink({ dest: options.ndjsonFile, name: 'ndjson-file', counters, onDrop: (n) => reportDrop('ndjson-file', n) }));
    if (options.dbPath) sinks.push(new SqliteSink(openStore(options.dbPath), { name: 'sqlite', counters, onDrop: (n) => reportDrop('sqlite', n) }));
    sinks.push(...(options.extraSinks ?? []));
    const session = new Session({ ...options, counters }, rules, geo, sinks, reportDrop);
    session.run.geoip = await runGeoDatabases(geo);
    session.sinks.startRun?.(session.run);
    return session;
  }

  /** Flushes when a sink asks to (bounded buffers): the caller awaits this between batches. */
  async maybeFlush(): Promise<void> {
    if (this.sinks.needsFlush?.()) await this.sinks.flush();
  }

  statsRecord(final: boolean): StatsRecord {
    return buildStatsRecord(this, final);
  }

  /**
   * Ends every flow, writes the stats record and the run's provenance, flushes and closes the sinks.
   * Whatever fails on the way (a bug ending flows, a bad stats record), the run's row and every
   * record already written are still committed and the sinks closed; the first failure is rethrown after.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let failure: unknown;
    const attempt = async (step: () => unknown): Promise<void> => {
      try {
        await step();
      } catch (err) {
        failure ??= err;
      }
    };
    // Thousands of flows may still be open: write them in rounds, flushing between, so their records never pile up in memory.
    const reason = this.options.mode === 'replay' ? 'end_of_input' : 'shutdown';
    await attempt(async () => {
      while (this.pipeline.finishSome(reason, FLOWS_PER_CLOSING_ROUND) > 0) await this.sinks.flush();
    });
    // A sink still failing now gives up its backlog, counted, so the final stats record has every loss.
    await attempt(() => this.sinks.settle());
    await attempt(() => this.sinks.write(this.statsRecord(true)));
    this.run.ended_at = new Date().toISOString();
    this.run.packets = this.counters.get('packets.received');
    this.run.anomalies = this.counters.sum('anomaly.');
    this.run.flows = this.counters.get('flow.created');
    this.run.alerts = this.collector.total;
    // The fan-out never throws: these reach every sink whatever happened above.
    this.sinks.endRun?.(this.run);
    await this.sinks.flush();
    await this.sinks.close();
    if (failure !== undefined) throw failure;
  }
}

/** Passes on only the records asked for on stdout (`--events`). */
class FilteredSink implements Sink {
  readonly name: string;
  constructor(
    private readonly inner: Sink,
    private readonly events: StdoutEvents,
  ) {
    this.name = inner.name;
  }
  write(rec: GroundwatchRecord): void {
    if (wantedOnStdout(rec, this.events)) this.inner.write(rec);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  needsFlush(): boolean {
    return this.inner.needsFlush?.() ?? false;
  }
  abandonUnwritten(): void {
    this.inner.abandonUnwritten?.();
  }
}
