// A stand-in for the store's writer thread that dies on its second request: with an exception
// (workerData.how 'throw') or by exiting (workerData.how 'exit').
import { parentPort, workerData } from 'node:worker_threads';

let seen = 0;
parentPort.postMessage({ type: 'ready', signerName: undefined });
parentPort.on('message', (m) => {
  if (++seen === 2) {
    if (workerData.how === 'exit') process.exit(3);
    throw new Error('boom in the store writer');
  }
  parentPort.postMessage({ type: 'done', id: m.id, counters: {}, dropped: 0, pending: 0 });
});
