/**
 * One capture worker process seen from the daemon: spawns it, decodes its
 * frames, and reports how it ended. Restarts and gaps are LiveSource's job.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { RawPacket } from '../types.js';
import { FrameDecoder, type OpenedInfo, type WorkerError, type WorkerStats } from './frames.js';
import type { WorkerCommand } from './worker-command.js';

export interface CaptureChildEvents {
  opened(info: OpenedInfo): void;
  packets(batch: RawPacket[]): void;
  stats(stats: WorkerStats): void;
  /** The worker is gone; `error` is what it said (an error frame, or its last stderr line). */
  exited(error: WorkerError | undefined, code: number | null, signal: NodeJS.Signals | null): void;
}

/** How long a worker may take to drain and exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;
/** libpcap's harmless note on interfaces without an IPv4 address (a mirror port has none). */
const NOISE = /no IPv4 address assigned/;

export class CaptureChild {
  private readonly child: ChildProcess;
  private readonly decoder = new FrameDecoder();
  private linkType = 1;
  private error: WorkerError | undefined;
  private lastStderr = '';
  readonly done: Promise<void>;

  constructor(worker: WorkerCommand, private readonly on: CaptureChildEvents) {
    this.child = spawn(worker.command, worker.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => this.onStderr(text));
    this.child.stdin!.on('error', () => {});
    this.done = new Promise((resolve) => {
      // 'close' waits for stdout to end too: every frame written before the exit is decoded first.
      this.child.on('close', (code, signal) => {
        this.on.exited(this.error ?? (this.lastStderr ? { code: 'CAPTURE_FAILED', message: this.lastStderr } : undefined), code, signal);
        resolve();
      });
      this.child.on('error', (err) => {
        this.error = { code: 'CAPTURE_OPEN_FAILED', message: err.message };
      });
    });
  }

  pause(): void {
    this.child.stdout!.pause();
  }

  resume(): void {
    this.child.stdout!.resume();
  }

  /** Asks the worker to stop; resolves once its last frame is read. */
  async stop(): Promise<void> {
    // A paused pipe would leave the worker blocked in a write, deaf to SIGTERM: read on while it drains.
    this.resume();
    this.child.kill('SIGTERM');
    // The worker also stops when its stdin ends: the way that works even where a signal is refused (EPERM).
    this.child.stdin!.end();
    const stuck = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.done;
    clearTimeout(stuck);
  }

  private onData(chunk: Buffer): void {
    const batch: RawPacket[] = [];
    for (const f of this.decoder.push(chunk)) {
      if (f.type === 'packet') {
        // Copy: the decoder's chunk is reused memory and the pipeline may keep bytes (reassembly).
        batch.push({ tsSec: f.tsSec, tsNsec: f.tsNsec, linkType: this.linkType, data: new Uint8Array(f.data), wireLen: f.wireLen, interfaceId: 0, sourceIndex: 0 });
        continue;
      }
      if (batch.length > 0) this.on.packets(batch.splice(0));
      if (f.type === 'opened') {
        this.linkType = f.info.linkType;
        this.on.opened(f.info);
      } else if (f.type === 'stats') this.on.stats(f.stats);
      else this.error = f.error;
    }
    if (batch.length > 0) this.on.packets(batch);
    if (this.decoder.corrupt) {
      this.error = { code: 'CAPTURE_FAILED', message: 'corrupt frame stream from the capture worker' };
      this.child.kill('SIGKILL');
    }
  }

  private onStderr(text: string): void {
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed && !NOISE.test(trimmed)) this.lastStderr = trimmed.slice(0, 300);
    }
  }
}
