// A stand-in for the store's writer thread (engine/store-worker.ts), speaking its messages:
// replies wait for the test to open a gate (workerData.gate, a shared Int32Array at 0 while
// closed); batches whose id is in workerData.failIds fail as a full disk does; each reply
// reports one counter gain per record written.
import { parentPort, workerData } from 'node:worker_threads';

const gate = workerData.gate ? new Int32Array(workerData.gate) : undefined;
const failIds = new Set(workerData.failIds ?? []);
let pending = 0;
parentPort.postMessage({ type: 'ready', signerName: undefined });
parentPort.on('message', (m) => {
  if (gate) Atomics.wait(gate, 0, 0);
  const written = m.type === 'batch' ? m.ops.filter((op) => op[0] === 'write').length : 0;
  pending += written;
  const fail = failIds.has(m.id);
  if (!fail && (m.type !== 'batch' || m.commit)) pending = 0;
  parentPort.postMessage({
    type: 'done',
    id: m.id,
    counters: written ? { 'delivery.queued': written } : {},
    dropped: 0,
    pending,
    ...(fail ? { error: { message: 'database or disk is full', code: 'SQLITE_FULL' } } : {}),
  });
});
