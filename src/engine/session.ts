/**
 * Everything one capture run needs, opened in order and closed in reverse:
 * rules, GeoIP, sinks (stdout, NDJSON file, SQLite), the pipeline, and the
 * run's provenance record. `replay` and `monitor` share it, so the same
 * capture gives the same records live and offline.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AlertSuppressor } from '../alerts/index.js';
import type { PipelineLimits } from '../config/limits.js';
import { limitsForBudget, memoryBudget } from '../config/memory-budget.js';
import { Counters } from '../counters.js';
import { IpReassembler } from '../decode/ip-reassembly.js';
import { canonicalJson, type JsonValue } from '../integrity/canonical-json.js';
import type { StoredCheckpoint } from '../integrity/log-store.js';
import { DeviceSelector } from '../detect/devices.js';
import { FlowJudge } from '../detect/judge.js';
import type { EvidenceOptions } from '../evidence/evidence-options.js';
import type { PacketKeeper } from '../evidence/recorder.js';
import { GeoResolver } from '../enrich/index.js';
import { DEFAULT_GEOIP_MAX_AGE_DAYS } from '../enrich/staleness.js';
import { Pipeline } from '../pipeline.js';
import type { CaptureRun, Dataset, GroundwatchRecord, StatsRecord } from '../records/ecs.js';
import type { RunProvenance } from '../records/provenance.js';
import { RuleEngine } from '../rules/engine.js';
import { defaultRulePaths, loadRules } from '../rules/load.js';
import type { RuleSet } from '../rules/types.js';
import { dropReporter, type DropReport } from '../sinks/drop-report.js';
import { SinkFanout } from '../sinks/fanout.js';
import type { RecordText } from '../sinks/record-text.js';
import type { Sink } from '../sinks/sink.js';
import { datasetOnStdout, TextSink, wantedOnStdout, type StdoutEvents } from '../sinks/text-sink.js';
import type { Delivery, DeliveryReport, DeliverySetup } from '../delivery/delivery.js';
import { AlertCollector, DEFAULT_KEPT_ALERTS } from './alert-collector.js';
import { runGeoDatabases } from './run-geoip.js';
import { buildStatsRecord } from './stats.js';
import { openStoreInThread, startStoreThread } from './store-open.js';
import type { IntegrityView } from './run-view.js';
import type { StoreThread } from './store-thread.js';
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
  /** GeoIP data older than this is reported stale (stats records); default DEFAULT_GEOIP_MAX_AGE_DAYS. */
  geoipMaxAgeDays?: number;
  interfaceName?: string;
  /** More sinks (tests, embedding applications). */
  extraSinks?: Sink[];
  /** Packet slices kept for alerted flows (default: headers only, docs/evidence.md); needs the store. */
  evidence?: Partial<EvidenceOptions>;
  /** Counters shared with the capture source (opened before the session). */
  counters?: Counters;
  /** Destinations (`--deliver`) and the outbox's settings; absent or empty: no delivery. */
  delivery?: DeliverySetup;
  /** Directory of the checkpoint key (docs/integrity.md); without a key there, checkpoints are unsigned. */
  keyDir?: string;
  /** The key must be there (given explicitly): a missing or bad key is an error, not an unsigned log. */
  keyRequired?: boolean;
  /** Each integrity checkpoint written (for delivery off the box: integrity/checkpoint-message.ts). */
  onCheckpoint?: (cp: StoredCheckpoint) => void;
  /**
   * Where the store writes: on a worker thread (default; issue 18) or on the pipeline's own thread
   * (debugging; also $GROUNDWATCH_STORE_THREAD=main). Run from source (tests), there is no built
   * worker file and the store runs in-thread unless `storeWorkerUrl` names one.
   */
  storeThread?: 'worker' | 'main';
  /** The writer thread's file (tests): default engine/store-worker.js beside the running code. */
  storeWorkerUrl?: URL;
  /** The effective configuration (flags and config file merged), hashed into the run's provenance. */
  effectiveConfig?: JsonValue;
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
  /** What the summary and start line show of the store's integrity log (absent without a store). */
  integrity: IntegrityView | undefined;
  /** The store's writer thread, when the store runs on one. */
  private storeThread: StoreThread | undefined;
  /** Stamped on every flow, DNS and alert record; a replay fills in its capture files once they are open. */
  readonly provenance: { runId: string; files: string[] } & RunProvenance;
  private closed = false;
  /** When the end-of-run wait given to close() runs out (ms): finishDelivery may use what is left. */
  private deliveryDeadlineMs = 0;

  private constructor(
    readonly options: SessionOptions,
    readonly rules: RuleSet,
    readonly geo: GeoResolver,
    sinks: Sink[],
    reportDrop: DropReport,
    runId: string,
    /** The outbox and its destinations, when the run delivers (`--deliver`). */
    readonly delivery: Delivery | undefined,
    packetKeeper: PacketKeeper | undefined,
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
      id: runId,
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
      rule_files: fileHashes(rules.files),
      ...(options.effectiveConfig !== undefined ? { config_sha256: sha256(canonicalJson(options.effectiveConfig)) } : {}),
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
      accepts: (dataset: Dataset) => this.sinks.accepts(dataset),
      ...(packetKeeper ? { packets: packetKeeper } : {}),
      provenance: this.provenance,
    });
  }

  /** Opens rules, GeoIP and sinks; any failure is a one-line error before a packet is read. */
  static async open(options: SessionOptions): Promise<Session> {
    const counters = options.counters ?? new Counters();
    const reportDrop = dropReporter(options.warn);
    let delivery: Delivery | undefined;
    // The store's writer thread starts first: loading its code and opening the store overlap rules and GeoIP.
    const storeThread = options.dbPath ? await startStoreThread(options, options.dbPath, counters, reportDrop, () => delivery) : undefined;
    try {
      return await Session.openRest(options, counters, reportDrop, storeThread, (d) => (delivery = d));
    } catch (err) {
      await storeThread?.abort();
      throw err;
    }
  }

  private static async openRest(
    options: SessionOptions,
    counters: Counters,
    reportDrop: DropReport,
    storeThread: StoreThread | undefined,
    setDelivery: (d: Delivery | undefined) => void,
  ): Promise<Session> {
    const rules = await loadRules(options.rulePaths?.length ? options.rulePaths : defaultRulePaths());
    const geo = await GeoResolver.open({ ...(options.geoipDir ? { dir: options.geoipDir } : {}) });
    const sinks: Sink[] = [];
    // The store, integrity log, evidence, delivery and pino load only when a run asks for them:
    // a `replay --no-db` loads none of them (start-up time; see bench/startup).
    if (options.stdoutFormat === 'ndjson' || options.ndjsonFile) {
      const { NdjsonSink } = await import('../sinks/ndjson.js');
      if (options.stdoutFormat === 'ndjson') sinks.push(new FilteredSink(new NdjsonSink({ dest: 1, name: 'stdout', counters, onDrop: (n) => reportDrop('stdout', n) }), options.events));
      if (options.stdoutFormat === 'text') sinks.push(new TextSink(options.stdout, options.events));
      if (options.ndjsonFile) sinks.push(new NdjsonSink({ dest: options.ndjsonFile, name: 'ndjson-file', counters, onDrop: (n) => reportDrop('ndjson-file', n) }));
    } else if (options.stdoutFormat === 'text') {
      sinks.push(new TextSink(options.stdout, options.events));
    }
    const runId = randomUUID();
    // Hashing the ~25 MB of GeoIP data is a sizeable part of start-up: done only when something
    // records the run (the store's runs row, an extra sink such as the --report one), and while the
    // store's writer thread opens the store.
    const geoip = options.dbPath || options.extraSinks?.length ? runGeoDatabases(geo) : undefined;
    // The writer thread creates and migrates a new store: the other connections (delivery, evidence) open after it.
    await storeThread?.opened;
    const delivery = options.delivery?.destinations.length
      ? new (await import('../delivery/delivery.js')).Delivery(options.delivery, {
          dbPath: options.dbPath,
          counters,
          warn: options.warn,
          runId,
          mode: options.mode,
          ...(options.interfaceName ? { interfaceName: options.interfaceName } : {}),
        })
      : undefined;
    setDelivery(delivery);
    let integrity: IntegrityView | undefined;
    let evidence: (Sink & PacketKeeper) | undefined;
    if (options.dbPath) {
      if (storeThread) {
        sinks.push(storeThread);
        integrity = storeThread.integrity;
      } else {
        const store = await openStoreInThread(options, options.dbPath, counters, reportDrop, delivery);
        sinks.push(store.sink);
        integrity = store.integrity;
      }
      const { openEvidenceRecorder } = await import('../evidence/open-recorder.js');
      evidence = openEvidenceRecorder(options.dbPath, options.evidence, counters);
    } else if (delivery) {
      sinks.push(delivery.outboxOnlySink());
    }
    if (evidence) sinks.push(evidence);
    sinks.push(...(options.extraSinks ?? []));
    const session = new Session({ ...options, counters }, rules, geo, sinks, reportDrop, runId, delivery, evidence);
    session.integrity = integrity;
    session.storeThread = storeThread;
    if (geoip) session.run.geoip = await geoip;
    session.sinks.startRun?.(session.run);
    delivery?.start();
    return session;
  }

  get geoipMaxAgeDays(): number {
    return this.options.geoipMaxAgeDays ?? DEFAULT_GEOIP_MAX_AGE_DAYS;
  }

  /** Flushes when a sink asks to (bounded buffers): the caller awaits this between batches. */
  async maybeFlush(): Promise<void> {
    if (this.sinks.needsFlush?.()) await this.sinks.flush();
  }

  statsRecord(final: boolean): StatsRecord {
    this.delivery?.updateGauges();
    return buildStatsRecord(this, final);
  }

  /**
   * After close(): waits up to `timeoutMs` more for the destinations to acknowledge what is
   * queued, then stops delivery (what is left stays in the outbox). Undefined without delivery.
   */
  async finishDelivery(timeoutMs: number): Promise<DeliveryReport | undefined> {
    return this.delivery?.finish(timeoutMs);
  }

  /**
   * What is left of close()'s end-of-run wait: the store's closing writes the run's final
   * checkpoint after that wait, and this lets it go out within the same overall budget.
   */
  remainingDeliveryWaitMs(): number {
    return Math.max(0, this.deliveryDeadlineMs - Date.now());
  }

  /**
   * Ends every flow, writes the stats record and the run's provenance, flushes and closes the sinks.
   * Whatever fails on the way (a bug ending flows, a bad stats record), the run's row and every
   * record already written are still committed and the sinks closed; the first failure is rethrown after.
   */
  async close(closing: { deliveryWaitMs?: number } = {}): Promise<void> {
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
    // Everything is committed to the outbox now: the end-of-run wait for acknowledgements comes
    // before the final stats record, so that record (and the summary) count what was delivered.
    if (closing.deliveryWaitMs) {
      this.deliveryDeadlineMs = Date.now() + closing.deliveryWaitMs;
      await attempt(() => this.delivery?.wait(closing.deliveryWaitMs!));
    }
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
    // A store whose writer thread died was only a failing sink to the fan-out; the run ends with it.
    failure ??= this.storeThread?.failure;
    if (failure !== undefined) throw failure;
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Each rule file as it is now (just loaded from it); an unreadable one is named without a hash. */
function fileHashes(files: readonly string[]): { path: string; sha256: string }[] {
  return files.map((path) => {
    try {
      return { path, sha256: sha256(readFileSync(path)) };
    } catch {
      return { path, sha256: 'unreadable' };
    }
  });
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
  accepts(dataset: Dataset): boolean {
    return datasetOnStdout(dataset, this.events) && (this.inner.accepts?.(dataset) ?? true);
  }
  write(rec: GroundwatchRecord, text?: RecordText): void {
    if (wantedOnStdout(rec, this.events)) this.inner.write(rec, text);
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
