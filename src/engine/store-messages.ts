/**
 * What the pipeline's thread and the store's writer thread (store-worker.ts) say to each other.
 * Records cross as their JSON text, the one the pipeline made for every sink already: the writer
 * parses it for the row's columns and puts that same text into the record block, so the store holds
 * the bytes the in-thread sink would have written. Errors cross as plain data (a thrown object does
 * not survive structured cloning with its class), and are rebuilt on arrival.
 */
import { GroundwatchError, isGroundwatchError, type ErrorCode } from '../errors.js';
import type { StoredCheckpoint } from '../integrity/log-store.js';
import type { CaptureRun, FoldedFlows } from '../records/ecs.js';
import type { Route } from '../delivery/route.js';

/** Sent to the writer thread in its first message, 'open'. */
export interface StoreWorkerSetup {
  readonly dbPath: string;
  readonly sinkName: string;
  readonly keyDir?: string;
  readonly keyRequired?: boolean;
  /** Outbox rows committed with the records they carry (`--deliver`). */
  readonly outbox?: { readonly routes: readonly Route[]; readonly maxBytes: number };
}

/** One Sink call, in the order the fan-out made them. */
export type StoreOp =
  | readonly ['write', string]
  | readonly ['repeats', string, number, string, FoldedFlows | undefined]
  | readonly ['startRun', CaptureRun]
  | readonly ['endRun', CaptureRun];

export type ToWorker =
  /** The first message: open the store (the thread may have started earlier, loading its code meanwhile). */
  | { readonly type: 'open'; readonly setup: StoreWorkerSetup }
  /** `commit`: flush after the calls; without it (the store is failing) they only queue, under the sink's bound. */
  | { readonly type: 'batch'; readonly id: number; readonly ops: readonly StoreOp[]; readonly commit: boolean }
  /** The run ends on a failing store: drop what is pending; the pipeline's side has counted it already. */
  | { readonly type: 'abandon'; readonly id: number }
  | { readonly type: 'close'; readonly id: number };

/** Every message after 'open': each gets one 'done' reply with its id. */
export type StoreRequest = Exclude<ToWorker, { type: 'open' }>;

export interface WireError {
  readonly message: string;
  /** A GroundwatchError's code, or SQLite's (SQLITE_FULL, ...). */
  readonly code?: string;
  readonly groundwatch?: boolean;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly signerName: string | undefined }
  | { readonly type: 'open-failed'; readonly error: WireError }
  | { readonly type: 'warn'; readonly line: string }
  /** An integrity checkpoint was written (and queued to the outbox, with delivery). */
  | { readonly type: 'checkpoint'; readonly checkpoint: StoredCheckpoint }
  | {
      readonly type: 'done';
      readonly id: number;
      readonly error?: WireError;
      /** What the writer's counters gained since its last reply. */
      readonly counters: Readonly<Record<string, number>>;
      /** Rows the sink dropped (its bound, while failing) since its last reply. */
      readonly dropped: number;
      /** Rows pending in the writer's sink after this request (kept across a failing commit). */
      readonly pending: number;
    };

export function toWire(err: unknown): WireError {
  if (isGroundwatchError(err)) return { message: err.message, code: err.code, groundwatch: true };
  const code = (err as { code?: unknown } | null)?.code;
  return { message: err instanceof Error ? err.message : String(err), ...(typeof code === 'string' ? { code } : {}) };
}

export function fromWire(wire: WireError): Error {
  if (wire.groundwatch && wire.code) return new GroundwatchError(wire.code as ErrorCode, wire.message);
  const err = new Error(wire.message) as Error & { code?: string };
  if (wire.code) err.code = wire.code;
  return err;
}

/** A checkpoint's root hash arrives as a Uint8Array (structured cloning does not keep Buffer). */
export function checkpointFromWire(cp: StoredCheckpoint): StoredCheckpoint {
  const root = cp.root_hash as Uint8Array;
  return { ...cp, root_hash: Buffer.from(root.buffer, root.byteOffset, root.byteLength) };
}
