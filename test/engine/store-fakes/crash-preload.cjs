// node --require this: the store's writer thread runs behind crashing-writer.cjs, which lets the
// real writer (dist/engine/store-worker.cjs) handle requests until batch $GW_TEST_CRASH_AT_BATCH,
// where it throws. Test-only: nothing in src/ knows of it.
const wt = require('node:worker_threads');
const { join } = require('node:path');
const { fileURLToPath } = require('node:url');

const Real = wt.Worker;
const WRAPPER = join(__dirname, 'crashing-writer.cjs');
wt.Worker = class extends Real {
  constructor(file, options = {}) {
    const path = file instanceof URL ? fileURLToPath(file) : String(file);
    if (!/store-worker\.c?js$/.test(path)) return super(file, options);
    super(WRAPPER, { ...options, workerData: { ...options.workerData, realWriter: path } });
  }
};
