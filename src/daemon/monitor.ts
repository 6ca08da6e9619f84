/**
 * The engine behind `groundwatch monitor`: a live capture through the same
 * Session (rules, GeoIP, sinks, pipeline) as replay, plus what a daemon needs:
 * wall-clock ticks, a flush every second, stats on an interval, capture gaps,
 * SIGHUP reload and a clean drain on SIGTERM / SIGINT.
 */
import { Counters } from '../counters.js';
import { Session, type SessionOptions } from '../engine/session.js';
import { LiveSource } from './live-source.js';
import { buildCaptureGapRecord } from './capture-gap.js';
import { startLine } from './start-line.js';
import { checkReadableAs, dropPrivileges, resolveRunAs } from './privileges.js';
import { BINDING_PATH, captureCapabilities } from '../capture/live.js';
import { WORKER_PATH } from './capture-child.js';
import { watchGeoDir } from '../enrich/index.js';
import { reloadSession } from './reload.js';
import { CaptureCounters } from './capture-counters.js';

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
      dropPrivileges(runAs, opts.warn, captureCapabilities());
      // A worker restarted after an interface loss runs these as the user: fail now, not at 3 a.m.
      checkReadableAs(runAs, [WORKER_PATH, BINDING_PATH]);
    }
    session = await Session.open({ ...opts, mode: 'monitor', counters: new Counters(), interfaceName: capture.interfaceName });
  } catch (err) {
    await source.stop();
    throw err;
  }
  session.delivery?.setOpenGaps(() => (source.gapOpen ? 1 : 0));
  opts.warn(startLine(session, opts));
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

  constructor(
    readonly session: Session,
    private readonly source: LiveSource,
    private readonly opts: MonitorOptions,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.captureCounters = new CaptureCounters(session.counters);
  }

  begin(): this {
    const { session } = this;
    this.source.start({
      packets: (batch) => {
        session.pipeline.processBatch(batch);
        void session.maybeFlush();
      },
      gap: (gap) => session.sinks.write(buildCaptureGapRecord(gap, session.run.id)),
      log: (line) => this.opts.warn(line),
    });
    this.timer = setInterval(() => void this.everySecond(), this.opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    if (this.opts.handleSignals) this.installSignals();
    // New database files (geoipupdate) are picked up without a restart; a corrupt one keeps the old readers.
    this.geoWatch = watchGeoDir(session.geo, (r) =>
      this.opts.warn(r.ok ? 'groundwatch: GeoIP databases reloaded (a database file changed)' : `groundwatch: GEOIP_DB_UNREADABLE: ${r.error ?? 'reload failed'} (keeping the previous databases)`),
    );
    return this;
  }

  /** Idle flows close on wall-clock timers; whatever reached the sinks is flushed within the interval. */
  private async everySecond(): Promise<void> {
    const { session } = this;
    session.pipeline.tick(Math.max(Date.now() / 1000, session.pipeline.now));
    this.captureCounters.update(this.source.totals);
    if (Date.now() - this.lastStats >= this.opts.statsIntervalSeconds * 1000) {
      this.lastStats = Date.now();
      session.sinks.write(session.statsRecord(false));
    }
    await session.sinks.flush();
    session.delivery?.kick();
  }

  reload(): Promise<boolean> {
    return reloadSession(this.session, this.opts.rulePaths, this.opts.warn);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.geoWatch?.close();
    for (const [sig, fn] of this.signalHandlers) process.off(sig, fn);
    await this.source.stop();
    this.captureCounters.update(this.source.totals);
    try {
      await this.session.close({ deliveryWaitMs: SHUTDOWN_DELIVERY_WAIT_MS });
    } finally {
      await this.session.finishDelivery(0);
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
