/**
 * The Node capture worker, run only where the C worker
 * (native/pcap/capture_worker.c, same contract) is not built: see
 * worker-command.ts. Its helper threads keep whatever capabilities the
 * process started with, which the one-thread C worker avoids.
 *
 * Child-process entry: opens the live capture and streams frames on stdout.
 * libpcap runs apart from the daemon so a capture failure (interface down,
 * removed) only ends this child; the daemon records a gap and restarts it.
 * The binding writes packet frames straight into one buffer, written to the
 * pipe as is. A slow daemon blocks the write; the kernel buffer then absorbs
 * traffic and libpcap counts what it drops (ps_drop), the honest outcome.
 * Asked to stop, it reads what the kernel ring still holds for a bounded
 * time, and its last stats frame says how many received packets it never
 * delivered (discarded), so nothing captured goes uncounted.
 * With runAs (the daemon was started as root with --user) it switches to that
 * user, and any worker not running as root drops every capability, as soon as
 * the capture is open.
 * Argument: the JSON of CaptureWorkerOptions. Exit codes: 0 asked to stop,
 * 2 could not open (an error frame says why), 3 capture failed or link down.
 */
import { writeSync } from 'node:fs';
import { captureCapabilities, openLiveCapture, type LiveCapture, type LiveCaptureOptions } from '../capture/live.js';
import { isGroundwatchError } from '../errors.js';
import { countFrames, encodeJsonFrame, PACKET_FRAME_OVERHEAD, type WorkerStats } from './frames.js';
import { interfaceIsUp } from './interface-state.js';
import { dropWorkerPrivileges, type RunAs } from './privileges.js';

export interface CaptureWorkerOptions extends LiveCaptureOptions {
  /** Become this user, holding no capability, once the capture is open. */
  runAs?: RunAs;
}

/** Size of the one frame buffer (at least one packet at the full snaplen). */
const BUFFER_TARGET_BYTES = 4 * 1024 * 1024;
/** dispatch() calls per event-loop turn, so signals and the stats timer get their turn. */
const DISPATCHES_PER_TURN = 8;
/** Upper bound on the drain at stop (a busy link never runs dry); the daemon kills a worker after 10 s. */
const DRAIN_DEADLINE_MS = 4000;
const STATS_INTERVAL_MS = 1000;
const STDOUT = 1;

/** Writes all of `bytes` to the pipe; EAGAIN (a non-blocking pipe) waits a moment, EPIPE means the daemon is gone. */
function writeAll(bytes: Uint8Array): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(STDOUT, bytes, off, bytes.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') process.exit(0);
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

class Worker {
  private readonly slot: number;
  private readonly out: Buffer;
  private stopping = false;
  /** Packets written to the daemon (to tell, at stop, how many libpcap received but never delivered). */
  private delivered = 0;

  constructor(
    private readonly capture: LiveCapture,
    private readonly interfaceName: string,
  ) {
    this.slot = PACKET_FRAME_OVERHEAD + capture.snaplen;
    this.out = Buffer.allocUnsafe(Math.max(1, Math.floor(BUFFER_TARGET_BYTES / this.slot)) * this.slot);
  }

  start(): void {
    const { linkType, warning } = this.capture;
    writeAll(encodeJsonFrame('opened', { linkType, interfaceName: this.interfaceName, ...(warning ? { warning } : {}) }));
    setInterval(() => {
      this.writeStats();
      // libpcap keeps waiting on a link that is down (it reports only a vanished interface): notice it here.
      if (!interfaceIsUp(this.interfaceName)) this.stop(3);
    }, STATS_INTERVAL_MS);
    setImmediate(() => this.pump());
  }

  /** Asks to stop: 0 reads what is already captured first (until the ring is empty or the deadline); 3 (capture failed) does not. */
  stop(code: number): void {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = Date.now() + DRAIN_DEADLINE_MS;
    // Each read may wait up to the block timeout: TPACKET_V3 hands over a block only once it is full or timed out.
    while (code === 0 && Date.now() < deadline && this.readAndWrite(undefined) > 0);
    this.writeStats(true);
    this.capture.close();
    process.exit(code);
  }

  private pump(): void {
    if (this.stopping) return;
    this.readAndWrite(undefined);
    if (!this.stopping) setImmediate(() => this.pump());
  }

  /** One turn: a dispatch that may wait, then ones that do not while they fill and there is room. */
  private readAndWrite(firstWaitMs: number | undefined): number {
    let used = 0;
    let failure: unknown;
    try {
      for (let i = 0; i < DISPATCHES_PER_TURN; i++) {
        const room = Math.floor((this.out.length - used) / this.slot);
        if (room < 1) break;
        const n = this.capture.dispatch(this.out.subarray(used), room, i === 0 ? firstWaitMs : 0);
        used += n;
        if (n === 0) break;
      }
    } catch (err) {
      failure = err;
    }
    if (used > 0) {
      this.delivered += countFrames(this.out.subarray(0, used));
      writeAll(this.out.subarray(0, used));
    }
    if (failure !== undefined) this.fail(failure);
    return used;
  }

  /** The capture failed (libpcap: "The interface disappeared", a socket error): one stderr line, exit 3, the daemon opens a gap. */
  private fail(err: unknown): void {
    if (this.stopping) return;
    process.stderr.write(`capture failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}\n`);
    this.stop(3);
  }

  /** `final`: the capture closes next, so whatever libpcap received and we did not deliver is discarded. */
  private writeStats(final = false): void {
    let stats: WorkerStats;
    try {
      const s = this.capture.stats();
      const dropped = s.dropped + s.overflowed;
      // ps_recv counts every packet that passed the filter (the kernel adds its drops); 32-bit, so modulo 2^32.
      const discarded = final ? (((s.received - dropped - this.delivered) % 2 ** 32) + 2 ** 32) % 2 ** 32 : 0;
      stats = { received: s.received, dropped, ifDropped: s.ifDropped, truncated: s.truncated, discarded };
    } catch {
      return; // A failed socket may refuse pcap_stats: the last frame sent stands.
    }
    writeAll(encodeJsonFrame('stats', stats));
  }
}

function main(): void {
  const opts = JSON.parse(process.argv[2] ?? '{}') as CaptureWorkerOptions;
  const capture = openLiveCapture(opts);
  // Root without --user stays root (nothing to drop that matters); anyone else keeps nothing once the capture is open.
  if (opts.runAs || process.getuid!() !== 0) dropWorkerPrivileges(opts.runAs, captureCapabilities());
  const worker = new Worker(capture, opts.interfaceName);
  process.on('SIGTERM', () => worker.stop(0));
  process.on('SIGINT', () => worker.stop(0));
  // The daemon holds our stdin: when it goes (even by kill -9), so do we.
  process.stdin.on('end', () => worker.stop(0));
  process.stdin.on('error', () => worker.stop(0));
  process.stdin.resume();
  worker.start();
}

try {
  main();
} catch (err) {
  const code = isGroundwatchError(err) ? err.code : 'CAPTURE_OPEN_FAILED';
  const message = err instanceof Error ? err.message : String(err);
  writeAll(encodeJsonFrame('error', { code, message }));
  process.exitCode = 2;
}
