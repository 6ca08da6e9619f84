/**
 * The engine behind `groundwatch monitor`: a live capture through the same
 * Session (rules, GeoIP, sinks, pipeline) as replay, plus what a daemon needs:
 * wall-clock ticks, a flush every second, stats on an interval, capture gaps,
 * SIGHUP reload and a clean drain on SIGTERM / SIGINT.
 */
import { Counters } from '../counters.js';
import { Session, type SessionOptions } from '../engine/session.js';
import { LiveSource, type CaptureGap } from './live-source.js';
import { buildCaptureGapRecord } from './capture-gap.js';
import { startLine } from './start-line.js';
import { checkReadableAs, dropPrivileges, resolveRunAs } from './privileges.js';
import { bindingPath, captureCapabilities } from '../capture/live.js';
import { watchGeoDir } from '../enrich/index.js';
import { reloadSession } from './reload.js';
import { CaptureCounters } from './capture-counters.js';
import { serviceNotifier, type ServiceNotifier } from './sd-notify.js';
import { DEFAULT_SILENCE_AFTER_SECONDS, SilenceDetector } from './silence-detector.js';
import { RetentionTimer } from './retention-timer.js';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../sinks/retention.js';
import { staleWarning } from '../enrich/staleness.js';
import type { StatsRecord } from '../records/ecs.js';

export interface CaptureSettings {
  interfaceName: string;
  filter: string;
  snaplen: number;
  bufferBytes: number;
  promiscuous: boolean;
}

export interface MonitorOptions extends Omit<SessionOptions, 'mode' | 'counters' | 'interfaceName'> {
  capture: CaptureSettings;
  statsIntervalSeconds: number;
  /** Drop to this user after opening the capture (only when started as root). */
  user?: string;
  /** Sinks are flushed and timers run at least this often (ms). */
  flushIntervalMs?: number;
  /** Install SIGHUP / SIGTERM / SIGINT handlers (the CLI does; embedding code may not). */
  handleSignals?: boolean;
  /** Seconds without a packet before a no_traffic gap opens; 0 = never (default DEFAULT_SILENCE_AFTER_SECONDS). */
  silenceAfterSeconds?: number;
  /** Store retention (needs dbPath); default DEFAULT_RETENTION. */
  retention?: RetentionPolicy;
}

export interface MonitorHandle {
  readonly session: Session;
  /** Resolves once the monitor has stopped and closed everything. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
  reload(): Promise<boolean>;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
/** On SIGTERM, what is queued gets this long to reach its destinations; the rest stays in the outbox for the next start. */
export const SHUTDOWN_DELIVERY_WAIT_MS = 2000;

/** Said once, on the --user route only, where the Node fallback makes a difference (docs/monitor.md). */
const NODE_WORKER_NOTE =
  "groundwatch: note: the C capture worker is not built (npm run build:native); the Node worker restarted after an interface loss keeps CAP_NET_RAW on its helper threads";

export async function startMonitor(opts: MonitorOptions): Promise<MonitorHandle> {
  const { capture } = opts;
  const runAs = resolveRunAs(opts.user, opts.warn);
  const source = new LiveSource({
    ...(runAs ? { runAs } : {}),
    interfaceName: capture.interfaceName,
    filter: capture.filter,
    snaplen: capture.snaplen,
    bufferBytes: capture.bufferBytes,
    promiscuous: capture.promiscuous,
  });
  const opened = await source.open();
  if (opened.warning) opts.warn(`groundwatch: libpcap warning on ${capture.interfaceName}: ${opened.warning}`);
  let session: Session;
  try {
    if (runAs) {
      // Found while still root: as the user, an unreadable installation hides the file itself.
      const { worker } = source;
      const files = worker.kind === 'node' ? [...worker.files, bindingPath()] : worker.files;
      dropPrivileges(runAs, opts.warn, captureCapabilities());
      // A worker restarted after an interface loss runs these as the user: fail now, not at 3 a.m.
      checkReadableAs(runAs, files, worker.kind === 'native' ? [worker.command] : []);
      if (worker.kind === 'node') opts.warn(NODE_WORKER_NOTE);
    }
    session = await Session.open({ ...opts, mode: 'monitor', counters: new Counters(), interfaceName: capture.interfaceName });
  } catch (err) {
    await source.stop();
    throw err;
  }
  session.delivery?.setOpenGaps(() => (source.gapOpen ? 1 : 0));
  opts.warn(startLine(session, opts));
  const stale = staleWarning(session.geo.databases(), session.geoipMaxAgeDays);
  if (stale) opts.warn(stale);
  return new Monitor(session, source, opts).begin();
}

class Monitor implements MonitorHandle {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private timer: NodeJS.Timeout | undefined;
  private lastStats = Date.now();
  private stopping: Promise<void> | undefined;
  private readonly captureCounters: CaptureCounters;
  private readonly signalHandlers: [NodeJS.Signals, () => void][] = [];
  private geoWatch: { close(): void } | undefined;
  private readonly notifier: ServiceNotifier;
  /** When the once-a-second housekeeping last completed: the watchdog's evidence of progress. */
  private lastBeat = Date.now();
  private readonly silence: SilenceDetector;
  private readonly retention: RetentionTimer | undefined;

  constructor(
    readonly session: Session,
    private readonly source: LiveSource,
    private readonly opts: MonitorOptions,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.captureCounters = new CaptureCounters(session.counters);
    this.notifier = serviceNotifier(process.env, opts.warn);
    const writeGap = (gap: CaptureGap) => session.sinks.write(buildCaptureGapRecord(gap, session.run.id));
    this.silence = new SilenceDetector(opts.capture.interfaceName, opts.silenceAfterSeconds ?? DEFAULT_SILENCE_AFTER_SECONDS, {
      gap: (gap) => {
        if (!gap.end) session.counters.inc('daemon.silence_gaps');
        writeGap(gap);
      },
      log: (line) => opts.warn(line),
    });
    if (opts.dbPath) this.retention = new RetentionTimer(opts.dbPath, opts.retention ?? DEFAULT_RETENTION, session.counters, opts.warn);
  }

  begin(): this {
    const { session } = this;
    this.source.start({
      packets: (batch) => {
        this.silence.packets();
        session.pipeline.processBatch(batch);
        void session.maybeFlush();
      },
      gap: (gap) => session.sinks.write(buildCaptureGapRecord(gap, session.run.id)),
      log: (line) => this.opts.warn(line),
    });
    this.timer = setInterval(() => void this.everySecond(), this.opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.retention?.start();
    if (this.opts.handleSignals) this.installSignals();
    // New database files (geoipupdate) are picked up without a restart; a corrupt one keeps the old readers.
    this.geoWatch = watchGeoDir(session.geo, (r) =>
      this.opts.warn(r.ok ? 'groundwatch: GeoIP databases reloaded (a database file changed)' : `groundwatch: GEOIP_DB_UNREADABLE: ${r.error ?? 'reload failed'} (keeping the previous databases)`),
    );
    this.lastBeat = Date.now();
    this.notifier.ready(`capturing on ${this.opts.capture.interfaceName}`);
    this.notifier.startWatchdog(() => this.makingProgress());
    return this;
  }

  /** Housekeeping completed within a watchdog period (or three flush intervals, if longer). */
  private makingProgress(): boolean {
    const flushMs = this.opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    const allowed = Math.max(2 * (this.notifier.watchdogIntervalMs ?? 0), 3 * flushMs);
    return Date.now() - this.lastBeat < allowed;
  }

  /** Idle flows close on wall-clock timers; whatever reached the sinks is flushed within the interval. */
  private async everySecond(): Promise<void> {
    const { session } = this;
    session.pipeline.tick(Math.max(Date.now() / 1000, session.pipeline.now));
    this.captureCounters.update(this.source.totals);
    this.silence.check(Date.now(), this.source.gapOpen);
    if (Date.now() - this.lastStats >= this.opts.statsIntervalSeconds * 1000) {
      this.lastStats = Date.now();
      session.sinks.write(this.withHealth(session.statsRecord(false)));
      const { received, dropped } = this.source.totals;
      this.notifier.status(`capturing on ${this.opts.capture.interfaceName}: ${received} packets received, ${dropped} dropped`);
    }
    await session.sinks.flush();
    session.delivery?.kick();
    this.lastBeat = Date.now();
  }

  /** What `status` reads from the latest stats record besides the counters. */
  private withHealth(record: StatsRecord): StatsRecord {
    Object.assign(record.groundwatch.stats, {
      interval_seconds: this.opts.statsIntervalSeconds,
      last_packet_at: this.silence.lastPacketAt?.toISOString() ?? null,
      silence_gap_open: this.silence.gapOpen,
    });
    return record;
  }

  /** SIGHUP: rules and GeoIP again, and the NDJSON file reopened at its path (after logrotate moved it). */
  async reload(): Promise<boolean> {
    const reloaded = await reloadSession(this.session, this.opts.rulePaths, this.opts.warn);
    const reopened = await this.session.sinks.reopenFiles();
    return reloaded && reopened;
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.notifier.stopping('draining and closing the store');
    clearInterval(this.timer);
    this.geoWatch?.close();
    for (const [sig, fn] of this.signalHandlers) process.off(sig, fn);
    this.retention?.stop();
    await this.source.stop();
    this.captureCounters.update(this.source.totals);
    const silent = this.silence.stillOpen();
    if (silent) this.session.sinks.write(buildCaptureGapRecord(silent, this.session.run.id));
    try {
      await this.session.close({ deliveryWaitMs: SHUTDOWN_DELIVERY_WAIT_MS });
    } finally {
      await this.session.finishDelivery(this.session.remainingDeliveryWaitMs());
    }
    this.resolveDone();
  }

  private installSignals(): void {
    const on = (sig: NodeJS.Signals, fn: () => void) => {
      this.signalHandlers.push([sig, fn]);
      process.on(sig, fn);
    };
    on('SIGHUP', () => void this.reload());
    on('SIGTERM', () => void this.stop());
    on('SIGINT', () => void this.stop());
  }
}
