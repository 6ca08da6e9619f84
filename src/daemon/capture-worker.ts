/**
 * Child-process entry: opens the live capture and streams frames on stdout.
 * Runs apart from the daemon because the cap binding aborts its process when
 * the interface goes down (and libpcap handles are best kept away from the
 * sinks): here that only ends this child, and the daemon records a gap.
 * Argument: the JSON of LiveCaptureOptions.
 */
import { openLiveCapture, type LiveCaptureOptions } from '../capture/live.js';
import { isGroundwatchError } from '../errors.js';
import { encodeJsonFrame, encodePacketFrame } from './frames.js';
import { interfaceIsUp } from './interface-state.js';

/** Bytes gathered before a write; smaller batches go out at the end of each event-loop turn. */
const BATCH_BYTES = 256 * 1024;

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as LiveCaptureOptions;
  const batch: Buffer[] = [];
  let batchBytes = 0;
  let scheduled = false;
  let received = 0;
  let truncated = 0;
  // stdout is a pipe: Node writes pipes synchronously on Linux, so a frame is never cut by our own exit.
  const flush = () => {
    scheduled = false;
    if (batch.length === 0) return;
    process.stdout.write(Buffer.concat(batch, batchBytes));
    batch.length = 0;
    batchBytes = 0;
  };
  const capture = await openLiveCapture(opts, (p) => {
    received++;
    if (p.truncated) truncated++;
    // cap reports no wire length; a truncated frame is at least one byte longer than kept.
    const frame = encodePacketFrame(p.tsSec, p.tsNsec, p.truncated ? p.data.length + 1 : p.data.length, p.data);
    batch.push(frame);
    batchBytes += frame.length;
    if (batchBytes >= BATCH_BYTES) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
  process.stdout.write(encodeJsonFrame('opened', { linkType: capture.linkType, interfaceName: opts.interfaceName }));
  const stop = (code: number) => {
    capture.close();
    flush();
    process.exit(code);
  };
  setInterval(() => {
    flush();
    process.stdout.write(encodeJsonFrame('stats', { received, truncated }));
    // Some drivers take an interface down without a socket error: notice it here.
    if (!interfaceIsUp(opts.interfaceName)) stop(3);
  }, 1000);
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  // The daemon holds our stdin: when it goes (even by kill -9), so do we.
  process.stdin.on('end', () => stop(0));
  process.stdin.on('error', () => stop(0));
  process.stdin.resume();
  process.stdout.on('error', () => process.exit(0));
}

main().catch((err: unknown) => {
  const code = isGroundwatchError(err) ? err.code : 'CAPTURE_OPEN_FAILED';
  const message = err instanceof Error ? err.message : String(err);
  process.stdout.write(encodeJsonFrame('error', { code, message }));
  process.exitCode = 2;
});
