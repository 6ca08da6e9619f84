/**
 * The running log of one store: appends entries inside the sink's
 * transactions and writes checkpoints, at most every `checkpointIntervalMs`
 * while entries arrive and once more when the run ends (end of input or
 * shutdown). The tree head is kept as a frontier (O(log n)), advanced from the
 * committed leaf hashes, so a rolled-back batch never reaches a checkpoint.
 */
import type { Database } from 'better-sqlite3';
import { formatCheckpoint } from './checkpoint.js';
import type { EntryKind } from './entries.js';
import { insertCheckpoint, latestCheckpoint, logRow, logSize, storedLeafHashes, type StoredCheckpoint } from './log-store.js';
import { MerkleFrontier } from './merkle-frontier.js';
import { encodeVerifierKey, type NoteSigner } from './note-keys.js';

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
/** The origin line of checkpoints written without a key. */
export const UNSIGNED_ORIGIN = 'groundwatch/unsigned';

export interface IntegrityLogOptions {
  /** Without one, checkpoints are still written, unsigned. */
  signer?: NoteSigner;
  checkpointIntervalMs?: number;
  now?: () => Date;
  /** Each checkpoint written (for delivery off the box). */
  onCheckpoint?: (cp: StoredCheckpoint) => void;
}

export class IntegrityLog {
  /** The last checkpoint this run wrote (for the summary). */
  lastWritten: StoredCheckpoint | undefined;
  private frontier: MerkleFrontier | undefined;
  private lastCheckpointAt: number | undefined;
  private readonly intervalMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: Database,
    private readonly opts: IntegrityLogOptions = {},
  ) {
    this.intervalMs = opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.now = opts.now ?? (() => new Date());
  }

  get signer(): NoteSigner | undefined {
    return this.opts.signer;
  }

  get origin(): string {
    return this.opts.signer?.name ?? UNSIGNED_ORIGIN;
  }

  /** Call inside the transaction that wrote the row. */
  logRow(kind: EntryKind, ref: string): number | undefined {
    return logRow(this.db, kind, ref, this.now());
  }

  /** After a commit: a checkpoint if the log grew and the interval has passed since the last one. */
  maybeCheckpoint(): StoredCheckpoint | undefined {
    const t = this.now().getTime();
    if (this.lastCheckpointAt !== undefined && t - this.lastCheckpointAt < this.intervalMs) return undefined;
    if (this.lastCheckpointAt === undefined) this.lastCheckpointAt = t - this.intervalMs;
    // Nothing new since this run's last checkpoint: no write transaction every flush of a quiet monitor.
    if (this.lastWritten && logSize(this.db) === this.lastWritten.tree_size) return undefined;
    return this.checkpoint();
  }

  /** A checkpoint of the whole log now, unless the latest stored one already has this size and signer. */
  checkpoint(): StoredCheckpoint | undefined {
    const written = this.db
      .transaction((): StoredCheckpoint | undefined => {
        const size = logSize(this.db);
        const latest = latestCheckpoint(this.db);
        const signedBy = this.opts.signer ? encodeVerifierKey(this.opts.signer) : null;
        if (latest && latest.tree_size === size && latest.signed_by === signedBy) return undefined;
        const root = this.rootAt(size);
        const note = formatCheckpoint({ origin: this.origin, size, root }, this.opts.signer ? [this.opts.signer] : []);
        const cp = { tree_size: size, root_hash: root, note, signed_by: signedBy, created_at: this.now().toISOString() };
        return { id: insertCheckpoint(this.db, cp), ...cp };
      })
      .immediate();
    if (written) {
      this.lastWritten = written;
      this.lastCheckpointAt = this.now().getTime();
      this.opts.onCheckpoint?.(written);
    }
    return written;
  }

  private rootAt(size: number): Buffer {
    if (!this.frontier || this.frontier.size > size) this.frontier = new MerkleFrontier();
    for (const leaf of storedLeafHashes(this.db, this.frontier.size, size)) this.frontier.append(leaf);
    return this.frontier.root();
  }
}
