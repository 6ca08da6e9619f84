/**
 * The store's sink for a session, one of two ways: its writer on a worker thread (the default,
 * store-thread.ts), or SqliteSink with its integrity log and outbox writer on the pipeline's own
 * thread (GROUNDWATCH_STORE_THREAD=main, for debugging; also what runs from source, where no
 * built worker file exists). Both write the same rows from the same code.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Counters } from '../counters.js';
import type { Delivery } from '../delivery/delivery.js';
import type { DropReport } from '../sinks/drop-report.js';
import type { Sink } from '../sinks/sink.js';
import type { SessionOptions } from './session.js';
import type { IntegrityView } from './run-view.js';
import type { StoreThread } from './store-thread.js';

/** `GROUNDWATCH_STORE_THREAD=main` keeps the store on the pipeline's thread; `=worker` puts it on its own whatever the input. */
export const STORE_THREAD_ENV = 'GROUNDWATCH_STORE_THREAD';

/**
 * Captures smaller than this in all keep the store on the replay's own thread. Starting the writer
 * thread costs a small replay ~65 ms of wall time and ~110 ms of CPU (hyperfine, the session
 * fixture with a store: 481 against 416 ms), while the store's work is ~14 ms of CPU per MiB of
 * the bench corpus: below about 8 MiB the thread costs more than it takes off the pipeline. CI
 * replays many small captures.
 */
export const SMALL_REPLAY_BYTES = 8 * 1024 * 1024;

/**
 * Where a replay's store writes, unless the caller or $GROUNDWATCH_STORE_THREAD says: in-thread
 * for captures under SMALL_REPLAY_BYTES in all (a file that cannot be read counts as small: the
 * replay reports it before anything is written).
 */
export async function replayStoreThread(files: readonly string[]): Promise<'main' | undefined> {
  if (process.env[STORE_THREAD_ENV]) return undefined;
  let total = 0;
  for (const file of files) total += await stat(file).then((s) => s.size, () => 0);
  return total < SMALL_REPLAY_BYTES ? 'main' : undefined;
}

/** The writer thread's file, or undefined when the store is to run in-thread. */
async function storeWorkerUrl(options: Pick<SessionOptions, 'storeThread' | 'storeWorkerUrl'>): Promise<URL | undefined> {
  const wanted = options.storeThread ?? (process.env[STORE_THREAD_ENV] === 'main' ? 'main' : 'worker');
  if (wanted === 'main') return undefined;
  if (options.storeWorkerUrl) return options.storeWorkerUrl;
  const { STORE_WORKER_URLS } = await import('./store-thread.js');
  // Run from source there is only store-worker.ts, which a worker thread cannot load.
  return STORE_WORKER_URLS.find((url) => existsSync(fileURLToPath(url)));
}

/**
 * A replay with a store starts its writer thread before checking its inputs: the thread loads its
 * code meanwhile and opens the store only once the session asks (bad input still writes nothing).
 */
export async function prestartStoreThread(options: Pick<SessionOptions, 'storeThread' | 'storeWorkerUrl'>): Promise<void> {
  const url = await storeWorkerUrl(options);
  if (url) (await import('./store-thread.js')).prestartStoreWorker(url);
}

/**
 * Starts the writer thread (it loads its code and opens the store while the caller goes on), or
 * undefined when the store is to run in-thread.
 */
export async function startStoreThread(
  options: SessionOptions,
  dbPath: string,
  counters: Counters,
  reportDrop: DropReport,
  delivery: () => Delivery | undefined,
): Promise<StoreThread | undefined> {
  const workerUrl = await storeWorkerUrl(options);
  if (!workerUrl) return undefined;
  const { StoreThread } = await import('./store-thread.js');
  const outbox = options.delivery?.destinations.length ? (await import('../delivery/delivery.js')).outboxSettings(options.delivery) : undefined;
  return new StoreThread({
    setup: {
      dbPath,
      sinkName: 'sqlite',
      ...(options.keyDir ? { keyDir: options.keyDir } : {}),
      ...(options.keyRequired ? { keyRequired: true } : {}),
      ...(outbox ? { outbox } : {}),
    },
    counters,
    onDrop: (n) => reportDrop('sqlite', n),
    warn: options.warn,
    onCheckpoint: (cp) => {
      // The writer queued it to the outbox already: wake delivery for it.
      delivery()?.kick();
      options.onCheckpoint?.(cp);
    },
    workerUrl,
  });
}

/** The store on the pipeline's thread: opened now, in the caller's thread. */
export async function openStoreInThread(
  options: SessionOptions,
  dbPath: string,
  counters: Counters,
  reportDrop: DropReport,
  delivery: Delivery | undefined,
): Promise<{ sink: Sink; integrity: IntegrityView }> {
  const { openStoreWriter } = await import('./store-writer.js');
  return openStoreWriter({
    dbPath,
    keyDir: options.keyDir,
    keyRequired: options.keyRequired,
    sinkName: 'sqlite',
    counters,
    warn: options.warn,
    onDrop: (n) => reportDrop('sqlite', n),
    outbox: delivery ? (db) => delivery.writerFor(db) : undefined,
    onCheckpoint: (cp) => {
      delivery?.kick();
      options.onCheckpoint?.(cp);
    },
  });
}
