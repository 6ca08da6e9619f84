/**
 * The store's writer thread (worker_threads entry; issue 18): the same SqliteSink, IntegrityLog
 * and OutboxWriter a run with the store in-thread uses, on their own connection, fed by the
 * pipeline's thread (store-thread.ts). Turning records into rows, record blocks (zlib), log entries
 * and outbox rows, and committing them, was about a third of a full replay; here it runs on another
 * core while the pipeline goes on.
 *
 * Requests are handled one at a time, in order, and each gets one reply carrying what the thread's
 * own counters gained, so the session's counters (and the final stats record) see the sink's,
 * the log's and the outbox's counts. A commit that fails (disk full, read-only, lock) is a reply with
 * its error; the rows stay pending in the sink, under its bound, as they would in-thread.
 */
import { parentPort } from 'node:worker_threads';
import { Counters } from '../counters.js';
import { OutboxWriter } from '../delivery/outbox-writer.js';
import type { GroundwatchRecord } from '../records/ecs.js';
import { RecordText } from '../sinks/record-text.js';
import type { SqliteSink } from '../sinks/sqlite-sink.js';
import { openStoreWriter } from './store-writer.js';
import { toWire, type FromWorker, type StoreOp, type StoreRequest, type StoreWorkerSetup, type ToWorker, type WireError } from './store-messages.js';

if (!parentPort) throw new Error('store-worker.js runs as a worker thread (engine/store-thread.ts starts it)');
const port = parentPort;
const post = (message: FromWorker): void => port.postMessage(message);

const counters = new Counters();
/** Each counter's value at the last reply: a reply carries the difference. */
const reported = new Map<string, number>();
let dropped = 0;

function counterDelta(): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters.toJSON())) {
    const gained = value - (reported.get(name) ?? 0);
    if (gained !== 0) delta[name] = gained;
    reported.set(name, value);
  }
  return delta;
}

function openSink(setup: StoreWorkerSetup): { sink: SqliteSink; signerName: string | undefined } {
  const outbox = setup.outbox;
  const { sink, integrity } = openStoreWriter({
    dbPath: setup.dbPath,
    keyDir: setup.keyDir,
    keyRequired: setup.keyRequired,
    sinkName: setup.sinkName,
    counters,
    warn: (line) => post({ type: 'warn', line }),
    onDrop: (n) => (dropped += n),
    outbox: outbox ? (db) => new OutboxWriter(db, { routes: outbox.routes, maxBytes: outbox.maxBytes, counters }) : undefined,
    // Queued to the outbox already; the pipeline's thread then wakes delivery and tells its listener.
    onCheckpoint: (checkpoint) => post({ type: 'checkpoint', checkpoint }),
  });
  return { sink, signerName: integrity.signer?.name };
}

function apply(sink: SqliteSink, op: StoreOp): void {
  switch (op[0]) {
    case 'write': {
      const rec = JSON.parse(op[1]) as GroundwatchRecord;
      sink.write(rec, new RecordText(rec, op[1]));
      return;
    }
    case 'repeats': return sink.updateAlertRepeats(op[1], op[2], op[3], op[4]);
    case 'startRun': return sink.startRun(op[1]);
    case 'endRun': return sink.endRun(op[1]);
  }
}

async function handle(sink: SqliteSink, request: StoreRequest): Promise<WireError | undefined> {
  try {
    switch (request.type) {
      case 'batch':
        for (const op of request.ops) apply(sink, op);
        if (request.commit) await sink.flush();
        return undefined;
      case 'abandon':
        sink.abandonUnwritten();
        // The pipeline's side counted this loss when it asked (it must be in the final stats record at once).
        counterDelta();
        dropped = 0;
        return undefined;
      case 'close':
        await sink.close();
        return undefined;
    }
  } catch (err) {
    return toWire(err);
  }
}

function start(setup: StoreWorkerSetup): void {
  let opened: ReturnType<typeof openSink>;
  try {
    opened = openSink(setup);
  } catch (err) {
    post({ type: 'open-failed', error: toWire(err) });
    return;
  }
  const { sink } = opened;
  // One request at a time, in arrival order: a commit never overlaps the next batch's writes.
  let queue = Promise.resolve();
  port.on('message', (request: StoreRequest) => {
    queue = queue.then(async () => {
      const error = await handle(sink, request);
      const reply: FromWorker = { type: 'done', id: request.id, counters: counterDelta(), dropped, pending: sink.pendingCount, ...(error ? { error } : {}) };
      dropped = 0;
      post(reply);
    });
  });
  post({ type: 'ready', signerName: opened.signerName });
}

// The thread may start before the run is ready to open the store (its code loads meanwhile): it
// opens the store when told, with the setup that message carries.
port.once('message', (first: ToWorker) => {
  if (first.type !== 'open') throw new Error(`store writer: expected "open" first, got "${first.type}"`);
  start(first.setup);
});
