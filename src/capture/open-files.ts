/**
 * The capture-files entry point the pipeline calls: validate every input
 * first (bad input fails before anything is processed), then read all files
 * as one time-ordered stream of packet batches.
 */
import type { RawPacket } from '../types.js';
import type { Counters } from '../counters.js';
import type { ErrorCode } from '../errors.js';
import { emptyInfo, readCaptureFile, type CaptureFileInfo } from './file-source.js';
import { resolveCaptureFiles } from './input-paths.js';
import { DEFAULT_BATCH_SIZE, mergeByTime } from './merge.js';

export type { CaptureFileInfo } from './file-source.js';

export interface CaptureInput {
  /** One per file, in input order; filled in as reading progresses, complete after the stream ends. */
  files: CaptureFileInfo[];
  /** Time-ordered across files, batches of up to `batchSize` packets. Can be iterated once. */
  batches(): AsyncIterable<RawPacket[]>;
}

export interface OpenCaptureOptions {
  counters: Counters;
  onWarning?: (code: ErrorCode, message: string) => void;
  /** Packets per batch handed out; default 1024. */
  batchSize?: number;
  /** Longest record read; longer ones are skipped unread and counted (bounds the one straddle copy per file). Default: a 256 KiB packet plus 64 KiB of header and options. */
  maxRecordBytes?: number;
  /** Read size; default 1 MiB. */
  chunkBytes?: number | undefined;
}

export async function openCaptureFiles(paths: string[], opts: OpenCaptureOptions): Promise<CaptureInput> {
  const specs = await resolveCaptureFiles(paths);
  const files = specs.map(emptyInfo);
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  let started = false;
  return {
    files,
    batches(): AsyncIterable<RawPacket[]> {
      if (started) throw new Error('CaptureInput.batches() can be iterated only once');
      started = true;
      const sources = specs.map((spec, index) => ({
        index,
        firstTs: spec.firstTs,
        open: () => readCaptureFile(spec, files[index]!, index, opts),
      }));
      return mergeByTime(sources, batchSize);
    },
  };
}
