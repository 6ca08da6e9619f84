/**
 * Child process for crash.test.ts (not a test itself): writes alerts to an
 * NDJSON file and the SQLite store through the fan-out, forever, printing
 * `FLUSHED <last alert id>` after each completed flush until it is killed.
 */
import { Counters } from '../../src/counters.js';
import { NdjsonSink } from '../../src/sinks/ndjson.js';
import { SinkFanout } from '../../src/sinks/fanout.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { makeAlert } from './fixtures.js';

const [ndjsonPath, dbPath] = process.argv.slice(-2) as [string, string];
const fanout = new SinkFanout([new NdjsonSink({ dest: ndjsonPath }), new SqliteSink(openStore(dbPath))], {
  counters: new Counters(),
  onError: (sink, err) => {
    process.stderr.write(`sink ${sink} failed: ${String(err)}\n`);
    process.exit(3);
  },
});

let n = 0;
for (;;) {
  let last = '';
  for (let i = 0; i < 200; i++) {
    last = `alert-${++n}`;
    fanout.write(makeAlert({ id: last, domain: `d${n}.djicdn.com` }));
  }
  await fanout.flush();
  process.stdout.write(`FLUSHED ${last}\n`);
  await new Promise((resolve) => setImmediate(resolve));
}
