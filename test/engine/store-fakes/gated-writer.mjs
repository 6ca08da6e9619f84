// A stand-in for the store's writer thread (engine/store-worker.ts), speaking its messages. Test
// settings come in the 'open' message's setup: replies wait for the test to open a gate (gate, a
// shared Int32Array at 0 while closed); batches whose id is in failIds fail as a full disk does;
// each reply reports one counter gain per record written.
import { parentPort } from 'node:worker_threads';

let gate;
let failIds = new Set();
let pending = 0;
parentPort.on('message', (m) => {
  if (m.type === 'open') {
    gate = m.setup.gate ? new Int32Array(m.setup.gate) : undefined;
    failIds = new Set(m.setup.failIds ?? []);
    parentPort.postMessage({ type: 'ready', signerName: undefined });
    return;
  }
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
