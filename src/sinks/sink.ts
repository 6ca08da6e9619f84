/**
 * A sink receives every record the pipeline produces. Sinks may buffer; the
 * caller decides when to flush (every N records or T ms). A sink is allowed
 * to throw or reject: SinkFanout isolates failures from the capture path.
 */
import type { CaptureRun, Dataset, FoldedFlows, GroundwatchRecord } from '../records/ecs.js';
import type { RecordText } from './record-text.js';

export interface Sink {
  readonly name: string;
  /** `text` is the record's JSON, shared by the sinks one write reaches (record-text.ts); absent, a sink makes its own. */
  write(rec: GroundwatchRecord, text?: RecordText): void;
  /**
   * False when the sink ignores every record of this dataset: when no sink takes a dataset, the
   * pipeline does not build its records at all (`--events alerts` without a store builds no flow
   * or DNS record). Absent: the sink takes every dataset.
   */
  accepts?(dataset: Dataset): boolean;
  flush(): Promise<void>;
  /**
   * Waits until everything flushed so far is written, rejecting as flush() would. For a sink whose
   * flush() hands the work on without waiting for it (the store's writer thread); the fan-out calls
   * it when it settles or closes, so the final stats record counts every outcome. Absent: flush() waits.
   */
  whenWritten?(): Promise<void>;
  close(): Promise<void>;
  startRun?(run: CaptureRun): void;
  endRun?(run: CaptureRun): void;
  /** A suppressed repeat folded into an alert already written. */
  updateAlertRepeats?(alertId: string, repeats: number, lastSeen: string, folded?: FoldedFlows): void;
  /** True when enough is buffered that the caller should flush now. */
  needsFlush?(): boolean;
  /**
   * The sink is failing and the run ends: give up what it still holds
   * unwritten, counting it as dropped (so the final stats record says so).
   */
  abandonUnwritten?(): void;
  /** Reopen the file at its path (SIGHUP after logrotate moved it); what was written before stays in the old file. */
  reopen?(): Promise<void>;
  /** How often the daemon should flush this sink, in milliseconds. */
  readonly flushIntervalMs?: number | undefined;
}
