// The real store writer, with an exception on batch $GW_TEST_CRASH_AT_BATCH (see crash-preload.cjs).
const { parentPort, workerData } = require('node:worker_threads');

const crashAt = Number(process.env.GW_TEST_CRASH_AT_BATCH ?? 3);
let batches = 0;
// Registered before the real writer's listener: this batch never reaches it.
parentPort.on('message', (m) => {
  if (m.type === 'batch' && ++batches === crashAt) throw new Error('boom (test: the store writer crashes)');
});
require(workerData.realWriter);
