/**
 * The store's writing side, wired one way wherever it runs (in-thread: store-open.ts; on its own
 * thread: store-worker.ts): the connection, the integrity log (signed when a key is there), the
 * outbox writer whose rows commit in the same transaction as the alert (or gap) row they carry,
 * and the SqliteSink over them.
 *
 * Each checkpoint written is queued to every destination (issue 16): a copy off the box is what
 * makes rewriting the log on the box detectable. Its own transaction, right after the
 * checkpoint's: a crash between the two loses that copy only, and the next checkpoint covers it.
 */
import type { Counters } from '../counters.js';
import type { OutboxWriter } from '../delivery/outbox-writer.js';
import { checkpointMessage } from '../integrity/checkpoint-message.js';
import { IntegrityLog } from '../integrity/integrity-log.js';
import { hasPrivateKey, loadSigner } from '../integrity/key-files.js';
import type { StoredCheckpoint } from '../integrity/log-store.js';
import { SqliteSink } from '../sinks/sqlite-sink.js';
import { openStore, type StoreDb } from '../sinks/sqlite-store.js';

export interface StoreWriterOptions {
  readonly dbPath: string;
  /** Directory of the checkpoint key; used when a key is there, or `keyRequired`. */
  readonly keyDir?: string | undefined;
  readonly keyRequired?: boolean | undefined;
  readonly sinkName: string;
  readonly counters: Counters;
  readonly warn: (line: string) => void;
  /** Rows the sink dropped (its bound, while the store fails). */
  readonly onDrop: (count: number) => void;
  /** The outbox writer on the store's connection (`--deliver`); absent: no outbox rows. */
  readonly outbox?: ((db: StoreDb) => OutboxWriter) | undefined;
  /** A checkpoint was written, and queued to the outbox when there is one. */
  readonly onCheckpoint?: ((cp: StoredCheckpoint) => void) | undefined;
}

export function openStoreWriter(o: StoreWriterOptions): { sink: SqliteSink; integrity: IntegrityLog } {
  const signer = o.keyDir && (o.keyRequired || hasPrivateKey(o.keyDir)) ? loadSigner(o.keyDir) : undefined;
  const db = openStore(o.dbPath, { warn: o.warn });
  const outbox = o.outbox?.(db);
  const integrity = new IntegrityLog(db, {
    ...(signer ? { signer } : {}),
    onCheckpoint: (cp) => {
      outbox?.enqueueMessage(checkpointMessage(cp));
      o.onCheckpoint?.(cp);
    },
  });
  const sink = new SqliteSink(db, { name: o.sinkName, counters: o.counters, onDrop: o.onDrop, integrity, ...(outbox ? { outbox } : {}) });
  return { sink, integrity };
}
