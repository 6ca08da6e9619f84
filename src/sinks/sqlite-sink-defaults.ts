/**
 * The SQLite sink's batching defaults, apart from the sink itself: the store's writer thread
 * (engine/store-thread.ts) batches by the same numbers on the pipeline's side without loading the
 * sink's code there.
 */
export const DEFAULT_SQLITE_BATCH = 1000;
export const DEFAULT_SQLITE_FLUSH_MS = 1000;
export const DEFAULT_SQLITE_MAX_PENDING = 10_000;
