/**
 * Replay capture files through the pipeline: the engine behind `groundwatch
 * replay`. The CLI parses flags and calls this; tests call it directly.
 */
import { openCaptureFiles } from '../capture/open-files.js';
import { Counters } from '../counters.js';
import type { ErrorCode } from '../errors.js';
import { SEVERITY_ORDER, type Severity } from '../types.js';
import { Session, type SessionOptions } from './session.js';

const FLUSH_EVERY_MS = 1000;

export interface ReplayOptions extends Omit<SessionOptions, 'mode'> {
  files: string[];
  failOn: Severity | 'never';
  batchSize?: number;
}

export interface ReplayResult {
  exitCode: 0 | 1;
  session: Session;
  warnings: string[];
}

export async function runReplay(opts: ReplayOptions): Promise<ReplayResult> {
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    opts.warn(line);
  };
  // Inputs are checked before anything is opened or written: bad input costs nothing already recorded.
  const counters = new Counters();
  const input = await openCaptureFiles(opts.files, {
    counters,
    onWarning: (code: ErrorCode, message: string) => warn(`groundwatch: ${code}: ${message}`),
    batchSize: opts.batchSize ?? 512,
  });
  const session = await Session.open({ ...opts, mode: 'replay', counters, warn });
  try {
    let lastFlush = Date.now();
    for await (const batch of input.batches()) {
      session.pipeline.processBatch(batch);
      // Flushed at least every second as well as when buffers fill: a killed replay loses at most the last second.
      if (Date.now() - lastFlush >= FLUSH_EVERY_MS) {
        await session.sinks.flush();
        lastFlush = Date.now();
      } else {
        await session.maybeFlush();
      }
    }
  } finally {
    session.run.sources = input.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, format: f.format, compressed: f.compressed }));
    await session.close();
  }
  const failed = opts.failOn !== 'never' && session.collector.reaches(opts.failOn);
  return { exitCode: failed ? 1 : 0, session, warnings };
}

export function isSeverityOrNever(value: string): value is Severity | 'never' {
  return value === 'never' || (SEVERITY_ORDER as readonly string[]).includes(value);
}
