// A stand-in for the store's writer thread that dies on its second request: with an exception
// (setup.how 'throw', in the 'open' message) or by exiting (setup.how 'exit').
import { parentPort } from 'node:worker_threads';

let how = 'throw';
let seen = 0;
parentPort.on('message', (m) => {
  if (m.type === 'open') {
    how = m.setup.how;
    parentPort.postMessage({ type: 'ready', signerName: undefined });
    return;
  }
  if (++seen === 2) {
    if (how === 'exit') process.exit(3);
    throw new Error('boom in the store writer');
  }
  parentPort.postMessage({ type: 'done', id: m.id, counters: {}, dropped: 0, pending: 0 });
});
