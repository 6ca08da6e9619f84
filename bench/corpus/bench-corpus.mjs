#!/usr/bin/env node
/**
 * Issue 18: groundwatch against ndpiReader, tshark and tcpdump on the real-client corpus
 * (bench/corpus/build-corpus.sh), plus start-up time on a tiny capture and the store's size after
 * a year under retention as shipped (extrapolated from the corpus store's per-table sizes, read with
 * SQLite's dbstat). Every configuration checks its own output against the peers' counts, so a run
 * that is fast because it skipped work fails. Prints a table and one JSON line (last line).
 *
 *   node bench/corpus/bench-corpus.mjs [--corpus FILE] [--rounds N] [--only startup|corpus|year|live] [--live-rates 25000,50000,100000]
 *
 * Needs root only to build the corpus (network namespaces); a built corpus in bench/work/ is reused
 * as long as build-corpus.sh is unchanged (its hash names the cached recording).
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadAverage, measure, median } from '../process-measure.mjs';
import { timedRun } from '../startup/timed-run.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const ROUNDS = Number(opt('rounds', '1'));
const ONLY = opt('only', 'all');
const WORK = join(ROOT, 'bench', 'work');
const CORPUS = opt('corpus', join(WORK, 'corpus.pcap'));
const GW = ['dist/cli/main.js', 'replay'];
const log = (line) => process.stderr.write(`bench-corpus: ${line}\n`);
const fail = (message) => {
  process.stderr.write(`bench-corpus: FAILED: ${message}\n`);
  process.exit(1);
};
mkdirSync(WORK, { recursive: true });
// The year estimate's rate and the shipped limits (src/sinks/retention.ts DEFAULT_RETENTION, src/evidence/evidence-options.ts).
const FLOWS_PER_DAY = 3000;
const RETENTION = { flowsDays: 90, statsDays: 30, alertsDays: 730 };
const EVIDENCE_MAX_FRAME_BYTES = 256 * 1024 * 1024;
const result = { when: new Date().toISOString(), node: process.version, loadAverageAtStart: loadAverage() };

async function best(label, cmd, argv, check, keepStdout = false) {
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const r = await measure(cmd, argv, { cwd: ROOT, keepStdout });
    if (r.code !== 0) fail(`${label} exited ${r.code}: ${r.stderr.slice(0, 400)}`);
    check?.(r, round);
    runs.push(r);
  }
  const row = { label, seconds: median(runs.map((r) => r.seconds)), peakMb: Math.max(...runs.map((r) => r.peakMb)), load: loadAverage() };
  log(`${label}: ${row.seconds.toFixed(2)} s, ${row.peakMb.toFixed(0)} MB (load ${row.load})`);
  return row;
}

// --- start-up: a tiny capture with --no-db, median of 10, against bare `node -e 0` in the same rounds ---
//    Wall and CPU time (user + system: much less sensitive to other work on the machine), each also as a
//    ratio to bare node; `replay --help` (the CLI's code loaded, replay registered, nothing run) splits loading from running.
if (ONLY === 'all' || ONLY === 'startup') {
  const tiny = join(ROOT, 'fixtures', 'session-dji-mixed.pcap');
  const stages = {
    bare: ['-e', '0'],
    cliLoad: [...GW, '--help'],
    replay: [...GW, tiny, '--no-db', '--format', 'ndjson', '--fail-on', 'never', '--no-summary'],
  };
  const runs = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  for (let i = 0; i < 10; i++) {
    for (const [stage, argv] of Object.entries(stages)) {
      const r = timedRun(process.execPath, argv, { cwd: ROOT });
      if (r.code !== 0 || (stage === 'replay' && r.stdoutLines === 0)) fail(`start-up ${stage} exited ${r.code} with ${r.stdoutLines} lines: ${r.stderr}`);
      runs[stage].push(r);
    }
  }
  const wall = (stage) => median(runs[stage].map((r) => r.wallMs));
  const cpu = (stage) => median(runs[stage].map((r) => r.cpuMs));
  result.startup = {
    medianMs: wall('replay'),
    bareNodeMedianMs: wall('bare'),
    ratioToBareNode: wall('replay') / wall('bare'),
    cpuMs: cpu('replay'),
    bareNodeCpuMs: cpu('bare'),
    cpuRatioToBareNode: cpu('replay') / cpu('bare'),
    cliLoadMs: wall('cliLoad'),
    cliLoadCpuMs: cpu('cliLoad'),
    load: loadAverage(),
    targetMs: 150,
  };
  const s = result.startup;
  log(
    `start-up: ${s.medianMs.toFixed(0)} ms median (bare node ${s.bareNodeMedianMs.toFixed(0)} ms, x${s.ratioToBareNode.toFixed(2)}); ` +
      `CPU ${s.cpuMs.toFixed(0)} ms (bare ${s.bareNodeCpuMs.toFixed(0)} ms, x${s.cpuRatioToBareNode.toFixed(2)}); ` +
      `CLI loaded (replay --help): ${s.cliLoadMs.toFixed(0)} ms, CPU ${s.cliLoadCpuMs.toFixed(0)} ms; load ${s.load}`,
  );
}

// --- the corpus --------------------------------------------------------------------------------------
if (ONLY === 'all' || ONLY === 'corpus' || ONLY === 'year' || ONLY === 'live') {
  if (!existsSync(CORPUS)) {
    if (process.getuid?.() !== 0) fail(`no corpus at ${CORPUS}; build it as root: bench/corpus/build-corpus.sh ${CORPUS}`);
    const b = spawnSync(join(ROOT, 'bench', 'corpus', 'build-corpus.sh'), [CORPUS], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (b.status !== 0) fail('build-corpus.sh failed');
  }
}

if (ONLY === 'all' || ONLY === 'corpus') {
  const info = spawnSync('capinfos', ['-c', '-d', '-M', '-T', '-r', CORPUS], { encoding: 'utf8' }).stdout.trim().split('\t');
  const packets = Number(info[1]);
  const bytes = Number(info[2]);
  result.corpus = { file: CORPUS, packets, bytes, meanPacket: bytes / packets };

  // Peers first; their counts are the oracles for our checks.
  let ndpiFlows = 0;
  const ndpi = await best('ndpiReader (nDPI, C)', 'ndpiReader', ['-i', CORPUS], (r) => {
    ndpiFlows = Number(/Unique flows:\s+(\d+)/.exec(r.stdout + r.stderr)?.[1] ?? 0);
  }, true);
  if (ndpiFlows < 1000) fail(`ndpiReader saw only ${ndpiFlows} flows`);
  const tsharkFields = ['-r', CORPUS, '-T', 'fields', '-e', 'ip.dst', '-e', 'tls.handshake.extensions_server_name', '-e', 'dns.qry.name', '-e', 'http.host'];
  const tshark = await best('tshark -T fields', 'tshark', tsharkFields, (r) => {
    if (r.stdoutLines !== packets) fail(`tshark printed ${r.stdoutLines} lines for ${packets} packets`);
  });
  const sni = spawnSync('tshark', ['-r', CORPUS, '-Y', 'tls.handshake.extensions_server_name', '-T', 'fields', '-e', 'tls.handshake.extensions_server_name'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const sniHellos = sni.stdout.split('\n').filter(Boolean).length;
  const tcpdump = await best('tcpdump -nn -q -r', 'tcpdump', ['-nn', '-q', '-r', CORPUS], (r) => {
    if (r.stdoutLines !== packets) fail(`tcpdump printed ${r.stdoutLines} lines for ${packets} packets`);
  });
  result.oracle = { ndpiFlows, tlsSniHellos: sniHellos };

  const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-corpus-'));
  const common = ['--format', 'ndjson', '--fail-on', 'never', '--no-summary'];
  let alertLines = 0;
  const alertsOnly = await best('groundwatch: alerts to stdout, no store', process.execPath, [...GW, CORPUS, '--no-db', ...common, '--events', 'alerts'], (r) => {
    alertLines = r.stdoutLines;
    if (r.stdoutLines === 0 || r.stdoutLines > ndpiFlows) fail(`alerts on stdout ${r.stdoutLines} (flows per nDPI ${ndpiFlows})`);
  });
  const allNoStore = await best('groundwatch: all records to stdout, no store', process.execPath, [...GW, CORPUS, '--no-db', ...common, '--events', 'all'], (r) => {
    if (r.stdoutLines < ndpiFlows * 0.8 + alertLines) fail(`only ${r.stdoutLines} records for ${ndpiFlows} flows and ${alertLines} alerts`);
  });

  // Full pipeline: store + integrity log (on with the store) + outbox delivering to a local webhook + NDJSON file.
  let posts = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  let store;
  const fullRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    const db = join(tmp, `full${round}.db`);
    const nd = join(tmp, `full${round}.ndjson`);
    posts = 0;
    const r = await measure(process.execPath, [...GW, CORPUS, '--db', db, '--ndjson', nd, '--deliver', url, ...common, '--events', 'alerts'], { cwd: ROOT });
    if (r.code !== 0) fail(`full pipeline exited ${r.code}: ${r.stderr.slice(0, 400)}`);
    store = checkStore(db, r.stdoutLines, ndpiFlows);
    if (posts === 0) fail('the local webhook received nothing');
    store.webhookPosts = posts;
    store.ndjsonBytes = statSync(nd).size;
    fullRuns.push({ ...r, load: loadAverage() });
    rmSync(nd, { force: true });
  }
  receiver.close();
  const fullRow = { label: 'groundwatch: full (SQLite + outbox + integrity + NDJSON)', seconds: median(fullRuns.map((r) => r.seconds)), peakMb: Math.max(...fullRuns.map((r) => r.peakMb)), load: fullRuns.at(-1).load };
  log(`${fullRow.label}: ${fullRow.seconds.toFixed(2)} s, ${fullRow.peakMb.toFixed(0)} MB`);
  rmSync(tmp, { recursive: true, force: true });

  const gwRows = [alertsOnly, allNoStore, fullRow];
  result.rows = [ndpi, tshark, tcpdump, ...gwRows].map((r) => ({
    ...r,
    vsNdpi: ndpi.seconds / r.seconds,
    vsTshark: tshark.seconds / r.seconds,
    vsTcpdump: tcpdump.seconds / r.seconds,
  }));
  result.store = { ...store, shareOfRun: (fullRow.seconds - allNoStore.seconds) / fullRow.seconds };
  const fmt = (n, d = 2) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [
    `corpus: ${fmt(packets, 0)} packets, ${fmt(bytes / 1e6, 0)} MB, mean packet ${fmt(bytes / packets, 0)} B, ${fmt(ndpiFlows, 0)} flows (nDPI), ${fmt(sniHellos, 0)} TLS ClientHellos with SNI (tshark); median of ${ROUNDS}; load average ${result.loadAverageAtStart} at start`,
    '',
    `${'tool'.padEnd(58)} ${'wall s'.padStart(7)} ${'RSS MB'.padStart(7)} ${'x nDPI'.padStart(7)} ${'x tshark'.padStart(8)} ${'x tcpdump'.padStart(9)}`,
    ...result.rows.map((r) => `${r.label.padEnd(58)} ${fmt(r.seconds).padStart(7)} ${fmt(r.peakMb, 0).padStart(7)} ${fmt(r.vsNdpi).padStart(7)} ${fmt(r.vsTshark).padStart(8)} ${fmt(r.vsTcpdump).padStart(9)}`),
    '(x PEER = peer wall / this wall: above 1 means faster than the peer)',
    '',
    `store: ${fmt(store.dbBytes / 1e6, 1)} MB for ${fmt(store.flows, 0)} flows, ${fmt(store.dns, 0)} DNS rows, ${fmt(store.alerts, 0)} alerts: ${fmt(store.dbBytes / store.flows, 0)} B per flow (DNS and alert rows included; target <= 1,536)`,
    `store share of the full run: ${fmt(result.store.shareOfRun * 100, 1)} % (full minus all-records-no-store, over full; target <= 20 %)`,
    '',
    `${'table (with its indexes)'.padEnd(24)} ${'rows'.padStart(8)} ${'table MB'.padStart(9)} ${'index MB'.padStart(9)} ${'B/flow'.padStart(7)}`,
    ...store.tables.filter((t) => t.tableBytes + t.indexBytes > 8192).map((t) => `${t.table.padEnd(24)} ${fmt(t.rows, 0).padStart(8)} ${fmt(t.tableBytes / 1e6).padStart(9)} ${fmt(t.indexBytes / 1e6).padStart(9)} ${fmt((t.tableBytes + t.indexBytes) / store.flows, 0).padStart(7)}`),
  ];
  result.year = yearEstimate(store);
  lines.push('', `a year under retention as shipped (flows and DNS ${RETENTION.flowsDays} days, stats ${RETENTION.statsDays}, alerts ${RETENTION.alertsDays}), ${fmt(FLOWS_PER_DAY, 0)} flows a day per tablet, DNS, alerts and evidence per flow as in the corpus:`);
  for (const y of result.year.rows) lines.push(`  ${y.label.padEnd(20)} ${fmt(y.GB, 2).padStart(7)} GB  (${y.parts.map((p) => `${p.what} ${fmt(p.GB, 2)}`).join(', ')})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * What retention keeps after a year, from the corpus store's bytes per flow per table: flows and DNS
 * rows and their record blocks for their 90 days; alerts (730 days) and their log entries, and the outbox's
 * delivered rows (kept as long as alerts) for the whole year; evidence packets up to their bound (evidence.store_max_bytes counts
 * the stored blobs' bytes: the tables' bytes scale by the corpus's pages-to-blobs ratio); a monitor's stats record a
 * minute for 30 days, with a log entry each whose bytes retention drops with the row. Thirty tablets on
 * one port are one store: thirty times the traffic, one stats stream, one evidence bound.
 */
function yearEstimate(store) {
  const t = Object.fromEntries(store.tables.map((x) => [x.table, x]));
  const bytes = (name) => (t[name] ? t[name].tableBytes + t[name].indexBytes : 0);
  const perFlow = (...names) => names.reduce((a, n) => a + bytes(n), 0) / store.flows;
  // A replay writes one stats record, on a page of its own: its size, not its page, is what a month of them takes.
  const statsRow = store.statsRowBytes;
  const statsEntry = store.statsEntryBytes;
  const droppedEntry = store.droppedEntryBytes;
  const row = (label, tablets) => {
    const flows = FLOWS_PER_DAY * tablets;
    const days = (n) => Math.min(365, n);
    // Packed blocks (schema 10) and, in a store written before them, one row per packet (schema 7).
    const evidenceUncapped = perFlow('evidence_blocks', 'evidence_packets') * flows * 365;
    const evidenceCap = store.evidenceFrameBytes > 0 ? EVIDENCE_MAX_FRAME_BYTES * ((bytes('evidence_blocks') + bytes('evidence_packets')) / store.evidenceFrameBytes) : 0;
    const statsPerDay = 1440;
    const parts = [
      { what: 'flows+DNS', GB: (perFlow('flows', 'dns', 'record_blocks') * flows * days(RETENTION.flowsDays)) / 1e9 },
      { what: 'alerts', GB: (perFlow('alerts', 'alert_runs', 'alert_acks') * flows * days(RETENTION.alertsDays)) / 1e9 },
      { what: 'integrity log', GB: ((perFlow('integrity_log') * flows * 365) + statsPerDay * (statsEntry * days(RETENTION.statsDays) + droppedEntry * (365 - days(RETENTION.statsDays)))) / 1e9 },
      { what: 'outbox', GB: (perFlow('outbox') * flows * 365) / 1e9 },
      { what: 'evidence', GB: Math.min(evidenceUncapped, evidenceCap || evidenceUncapped) / 1e9 },
      { what: 'stats', GB: (statsRow * statsPerDay * days(RETENTION.statsDays)) / 1e9 },
    ];
    return { label, GB: parts.reduce((a, p) => a + p.GB, 0), parts };
  };
  return { flowsPerDayPerTablet: FLOWS_PER_DAY, retention: RETENTION, rows: [row('1 tablet', 1), row('30 tablets, 1 port', 30)] };
}

function checkStore(dbPath, alertLines, ndpiFlows) {
  const db = new Database(dbPath, { readonly: true });
  const count = (table) => db.prepare(`SELECT count(*) AS n FROM ${table}`).get().n;
  const s = { flows: count('flows'), dns: count('dns'), alerts: count('alerts'), integrityEntries: count('integrity_log'), outbox: count('outbox') };
  // Bytes per table with its indexes (dbstat: pages in use, whole pages), and what the year estimate needs.
  const pages = db.prepare("SELECT m.tbl_name AS tbl, m.type AS type, SUM(d.pgsize) AS bytes FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name, m.type").all();
  const tables = new Map();
  for (const p of pages) {
    const e = tables.get(p.tbl) ?? { table: p.tbl, rows: 0, tableBytes: 0, indexBytes: 0 };
    if (p.type === 'index') e.indexBytes += p.bytes;
    else e.tableBytes += p.bytes;
    tables.set(p.tbl, e);
  }
  for (const e of tables.values()) e.rows = count(e.table);
  s.tables = [...tables.values()].sort((a, b) => b.tableBytes + b.indexBytes - a.tableBytes - a.indexBytes);
  s.statsRowBytes = db.prepare('SELECT AVG(length(record) + length(ts) + COALESCE(length(run_id), 0)) + 16 AS n FROM stats').get().n ?? 0;
  // What evidence.store_max_bytes counts: the blobs as stored, in both forms.
  s.evidenceFrameBytes = ['evidence_blocks', 'evidence_packets'].reduce((sum, t) => sum + db.prepare(`SELECT COALESCE(SUM(length(data)), 0) AS n FROM ${t}`).get().n, 0);
  // A stats entry as stored, plus the row's fixed part (idx, kind, ref, leaf hash, time: what is left once retention drops the bytes).
  s.droppedEntryBytes = db.prepare("SELECT AVG(length(idx) + length(kind) + length(ref) + length(leaf_hash) + length(logged_at)) + 8 AS n FROM integrity_log").get().n ?? 90;
  s.statsEntryBytes = (db.prepare("SELECT AVG(length(entry)) AS n FROM integrity_log WHERE kind = 'stats'").get().n ?? 0) + s.droppedEntryBytes;
  db.close();
  s.dbBytes = ['', '-wal'].reduce((sum, ext) => sum + (existsSync(dbPath + ext) ? statSync(dbPath + ext).size : 0), 0);
  const problems = [];
  if (s.flows < ndpiFlows * 0.8 || s.flows > ndpiFlows * 1.2) problems.push(`flows ${s.flows} vs nDPI ${ndpiFlows}`);
  if (s.alerts === 0 || s.alerts !== alertLines) problems.push(`alerts in store ${s.alerts}, on stdout ${alertLines}`);
  if (s.dns === 0) problems.push('no DNS rows');
  if (s.integrityEntries === 0) problems.push('integrity log empty');
  if (problems.length) fail(`full pipeline output wrong: ${problems.join('; ')}`);
  return s;
}

// --- live: the corpus through a veth at fixed rates (tcpreplay -> monitor, no store, every record to an NDJSON
//     file), the issue's target being zero drops at 100,000 packets/s. bench/bench-live.ts counts drops two ways
//     (libpcap's, and tcpreplay's packets sent against those processed). Root only (network namespace).
if (ONLY === 'all' || ONLY === 'live') {
  if (process.getuid?.() !== 0) {
    log('live: skipped (needs root for the network namespace)');
  } else {
    const rates = opt('live-rates', '25000,50000,100000');
    const seconds = opt('live-seconds', '20');
    const runs = [];
    for (const pps of rates.split(',')) {
      const r = spawnSync('npx', ['vite-node', 'bench/live.ts', CORPUS, pps, seconds], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
      if (r.status !== 0) fail(`live at ${pps} pps: ${r.stderr.slice(0, 400)}`);
      const run = JSON.parse(r.stdout.trim().split('\n').pop());
      runs.push({ ...run, load: loadAverage() });
      log(`live ${pps} pps: reached ${run.actualPps}, sent ${run.sent}, processed ${run.processed}, missing ${run.missing}, libpcap dropped ${run.dropped}, RSS peak ${run.rss.peakMb.toFixed(0)} MB`);
    }
    result.live = runs;
    const fmt = (n, d = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    process.stdout.write(`${[
      `live, the corpus through a veth, ${seconds} s per rate (tcpreplay -> monitor --no-db, every record to an NDJSON file; target: 0 drops at 100,000 pps):`,
      ...runs.map((r) => `  ${fmt(r.pps).padStart(8)} pps asked, ${fmt(r.actualPps).padStart(8)} reached: sent ${fmt(r.sent)}, processed ${fmt(r.processed)}, missing ${fmt(r.missing)}, libpcap dropped ${fmt(r.dropped)}, interface ${fmt(r.ifDropped)}, gaps ${r.gaps}, RSS peak ${fmt(r.rss.peakMb)} MB (load ${r.load})`),
    ].join('\n')}\n`);
  }
}

if (ONLY === 'all') {
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'corpus-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
