// node --require this: one stderr line when anything requires node:worker_threads.
const Module = require('node:module');

const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(node:)?worker_threads$/.test(request)) process.stderr.write('test-preload: worker_threads loaded\n');
  return load.call(this, request, ...rest);
};
