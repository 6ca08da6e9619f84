/**
 * A live capture that survives its interface: when the worker ends (link
 * down, interface removed, capture error) a gap opens, the worker is
 * restarted with backoff (1 s doubling to 30 s), and the gap is reported
 * closed when capture resumes (or open at shutdown).
 */
import { GroundwatchError, type ErrorCode } from '../errors.js';
import type { RawPacket } from '../types.js';
import { Backoff } from '../util/backoff.js';
import { CaptureChild } from './capture-child.js';
import type { CaptureWorkerOptions } from './capture-worker.js';
import { WorkerStatsSum } from './capture-counters.js';
import type { OpenedInfo, WorkerError, WorkerStats } from './frames.js';
import { interfaceExists, interfaceIsUp } from './interface-state.js';
import { workerCommand, type WorkerCommand } from './worker-command.js';

export interface CaptureGap {
  start: Date;
  end?: Date;
  reason: string;
  interfaceName: string;
}

export interface LiveSourceEvents {
  packets(batch: RawPacket[]): void;
  gap(gap: CaptureGap): void;
  log(line: string): void;
}

export class LiveSource {
  private child: CaptureChild | undefined;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private openGap: CaptureGap | undefined;
  private readonly backoff: Backoff;
  /** libpcap's counters summed over every worker of the run (each starts at 0). */
  private readonly sums = new WorkerStatsSum();
  private events: LiveSourceEvents | undefined;
  /** Chosen once: every worker of the run (restarts included) is the same program. */
  readonly worker: WorkerCommand;

  constructor(
    private readonly opts: CaptureWorkerOptions,
    backoff?: Backoff,
    worker?: WorkerCommand,
  ) {
    this.backoff = backoff ?? new Backoff();
    this.worker = worker ?? workerCommand(opts);
  }

  /** Monotonic over worker restarts; exact at shutdown (the last worker's final stats are read by stop()). */
  get totals(): Readonly<WorkerStats> {
    return this.sums.totals;
  }

  get gapOpen(): boolean {
    return this.openGap !== undefined;
  }

  /** Opens the first capture; failing here is fatal (a typo in --interface should not wait forever). */
  async open(): Promise<OpenedInfo> {
    return new Promise<OpenedInfo>((resolve, reject) => {
      const child = new CaptureChild(this.worker, {
        opened: (info) => {
          child.pause();
          resolve(info);
        },
        packets: (batch) => this.deliver(batch),
        stats: this.sums.newWorker(),
        exited: (error, code, signal) => {
          reject(new GroundwatchError(errorCode(error), error?.message ?? `capture worker ended (${signal ?? code})`));
          this.onExit(child, error, code, signal);
        },
      });
      this.child = child;
    });
  }

  /** Starts delivering packets (the daemon opens its sinks between open() and start()). */
  start(events: LiveSourceEvents): void {
    this.events = events;
    if (this.child) this.child.resume();
    else if (!this.stopping) this.spawn();
  }

  /** Stops capture, reads what the worker already captured, reports a still-open gap. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    await this.child?.stop();
    if (this.openGap) this.events?.gap(this.openGap);
    this.openGap = undefined;
  }

  private deliver(batch: RawPacket[]): void {
    this.events?.packets(batch);
  }

  private spawn(): void {
    const child = new CaptureChild(this.worker, {
      opened: () => this.onReopened(),
      packets: (batch) => this.deliver(batch),
      stats: this.sums.newWorker(),
      exited: (error, code, signal) => this.onExit(child, error, code, signal),
    });
    this.child = child;
  }

  private onReopened(): void {
    this.backoff.reset();
    const gap = this.openGap;
    this.openGap = undefined;
    if (!gap) return;
    gap.end = new Date();
    this.events?.log(`groundwatch: capture on ${this.opts.interfaceName} resumed after ${((gap.end.getTime() - gap.start.getTime()) / 1000).toFixed(1)} s (${gap.reason})`);
    this.events?.gap(gap);
  }

  private onExit(child: CaptureChild, error: WorkerError | undefined, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    if (this.stopping || !this.events) return;
    if (!this.openGap) {
      const reason = gapReason(this.opts.interfaceName, error, code, signal);
      this.openGap = { start: new Date(), reason, interfaceName: this.opts.interfaceName };
      this.events.log(`groundwatch: capture on ${this.opts.interfaceName} stopped (${reason}); retrying`);
    }
    this.retryTimer = setTimeout(() => this.spawn(), this.backoff.delay());
  }
}

function errorCode(error: WorkerError | undefined): ErrorCode {
  return error?.code === 'CAPTURE_UNAVAILABLE' ? 'CAPTURE_UNAVAILABLE' : 'CAPTURE_OPEN_FAILED';
}

export function gapReason(name: string, error: WorkerError | undefined, code: number | null, signal: NodeJS.Signals | null): string {
  if (!interfaceExists(name)) return 'interface_gone';
  if (!interfaceIsUp(name)) return 'interface_down';
  const detail = error?.message ?? (signal ? `signal ${signal}` : `exit ${code}`);
  return `capture_error: ${detail}`;
}
