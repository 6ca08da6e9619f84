#!/usr/bin/env node
/**
 * npm run bench — replay throughput against tshark on the same generated capture, peak RSS, and
 * micro-benchmarks of the hot functions. Every run checks its own output (a run that is fast
 * because it skipped work fails), prints a table, and keeps the results in bench/results/ so the
 * next run can compare. Ratios, not absolute numbers, are what to quote: machines are shared.
 *
 *   npm run bench                       # 300,000 packets, 3 rounds
 *   npm run bench -- --packets 1000000 --rounds 5 --skip-micro
 *   npm run bench -- --only-report       # only the report over a month of stored records (--skip-report to leave it out)
 *   npm run bench -- --skip-corpus     # without the real-client corpus part (issue 18)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { measure as measureIn, median } from './process-measure.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(`--${name}`);
const PACKETS = Number(opt('packets', '300000'));

/** The report over a month of stored records (bench/report.ts): size < 5 MB, Chromium render < 2 s; checks its own output. */
function reportBench() {
  const r = spawnSync('npx', ['vite-node', 'bench/report.ts'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) fail(`report bench: exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const reportLine = (r) =>
  `report over a month (${r.flows.toLocaleString('en-US')} flows, ${r.alerts.toLocaleString('en-US')} alerts, ${r.destinations} destinations): ` +
  `HTML ${(r.htmlBytes / 1048576).toFixed(2)} MB (limit 5), Chromium load+paint median ${r.renderMedianMs.toFixed(0)} ms (limit 2000), report command ${r.reportMs.toFixed(0)} ms; ` +
  `store ${(r.dbBytes / 1e6).toFixed(1)} MB with ${r.dns.toLocaleString('en-US')} DNS rows and the integrity log; review commands (whole process, median of 3): ` +
  Object.entries(r.reviewMs).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join('; ');
if (flag('only-report')) {
  process.stdout.write(`${reportLine(reportBench())}\n`);
  process.exit(0);
}
const ROUNDS = Number(opt('rounds', '3'));
const WORK = join(ROOT, 'bench', 'work');
const RESULTS = join(ROOT, 'bench', 'results');
mkdirSync(WORK, { recursive: true });
mkdirSync(RESULTS, { recursive: true });

function fail(message) {
  process.stderr.write(`bench: FAILED: ${message}\n`);
  process.exit(1);
}

/** Every command here runs from the project root. */
const measure = (cmd, argv) => measureIn(cmd, argv, { cwd: ROOT });

// 1. The capture (deterministic; regenerated when missing or of another size).
const capture = join(WORK, `bench-${PACKETS}.pcap`);
const manifestFile = `${capture}.json`;
if (!existsSync(capture) || !existsSync(manifestFile) || flag('regen')) {
  process.stderr.write(`bench: generating ${PACKETS} packets -> ${capture}\n`);
  const g = spawnSync('npx', ['vite-node', 'bench/generate.ts', '--', '--packets', String(PACKETS), '--out', capture], { cwd: ROOT, encoding: 'utf8' });
  if (g.status !== 0) fail(`generator: ${g.stderr}`);
  writeFileSync(manifestFile, g.stdout.trim().split('\n').pop());
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));

// 2. groundwatch: full pipeline (names, GeoIP, rules, alerts, SQLite store on), checked against the manifest.
const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-'));
const gwRuns = [];
for (let round = 0; round < ROUNDS; round++) {
  const db = join(tmp, `round${round}.db`);
  const r = await measure(process.execPath, ['dist/cli/main.js', 'replay', capture, '--db', db, '--format', 'ndjson', '--events', 'alerts', '--fail-on', 'never', '--no-summary']);
  if (r.code !== 0) fail(`groundwatch exited ${r.code}: ${r.stderr}`);
  checkStore(db, r.stdoutLines);
  gwRuns.push(r);
}

function checkStore(dbPath, alertLines) {
  const db = new Database(dbPath, { readonly: true });
  const run = db.prepare('SELECT packets FROM runs ORDER BY started_at DESC LIMIT 1').get();
  const by = (source) => db.prepare('SELECT count(*) AS n FROM flows WHERE name_source = ?').get(source).n;
  const tls = by('tls_sni');
  const http = by('http_host');
  const dnsAnswers = db.prepare("SELECT count(*) AS n FROM dns WHERE dns_type = 'answer'").get().n;
  const alerts = db.prepare('SELECT count(*) AS n FROM alerts').get().n;
  db.close();
  const problems = [];
  if (run.packets !== manifest.packets) problems.push(`packets ${run.packets} != ${manifest.packets}`);
  if (tls !== manifest.tlsNamed) problems.push(`TLS-named flows ${tls} != ${manifest.tlsNamed}`);
  if (http !== manifest.httpNamed) problems.push(`HTTP-named flows ${http} != ${manifest.httpNamed}`);
  if (dnsAnswers !== manifest.dnsAnswers) problems.push(`DNS answers ${dnsAnswers} != ${manifest.dnsAnswers}`);
  if (alerts === 0 || alerts !== alertLines) problems.push(`alerts in store ${alerts}, on stdout ${alertLines}`);
  if (problems.length) fail(`groundwatch output wrong: ${problems.join('; ')}`);
}

// 3. tshark reference on the same file: the fields a name-learning monitor needs.
const tsharkRuns = [];
const hasTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
if (hasTshark) {
  for (let round = 0; round < ROUNDS; round++) {
    const r = await measure('tshark', ['-r', capture, '-T', 'fields', '-e', 'ip.dst', '-e', 'tls.handshake.extensions_server_name', '-e', 'dns.qry.name', '-e', 'http.host']);
    if (r.code !== 0) fail(`tshark exited ${r.code}: ${r.stderr}`);
    if (r.stdoutLines !== manifest.packets) fail(`tshark printed ${r.stdoutLines} lines for ${manifest.packets} packets`);
    tsharkRuns.push(r);
  }
} else {
  process.stderr.write('bench: tshark not installed (apt-get install tshark): no reference ratio\n');
}

// 4. Micro-benchmarks (each checks its own output).
let micro = [];
if (!flag('skip-micro')) {
  const m = spawnSync('npx', ['vite-node', 'bench/micro.ts'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (m.status !== 0) fail(`micro-benchmarks: ${m.stderr || m.stdout}`);
  micro = JSON.parse(m.stdout.trim().split('\n').pop());
  // What a flow costs through the whole pipeline (the figure the memory-sized bounds use), one process per transport.
  for (const transport of ['udp', 'tcp', 'tls']) {
    const f = spawnSync('npx', ['vite-node', 'bench/flow-memory.ts', transport], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, NODE_OPTIONS: '--expose-gc' } });
    if (f.status !== 0) fail(`flow memory: ${f.stderr || f.stdout}`);
    micro.push(...JSON.parse(f.stdout.trim().split('\n').pop()));
  }
}

// 4b. The integrity log (issue 16): per alert, per checkpoint, per verified entry, and its share of the
//     first round's replay (its store's entries made again, then verified). Skipped with --skip-integrity.
let integrity;
if (!flag('skip-integrity')) {
  const g = spawnSync('npx', ['vite-node', 'bench/integrity.ts', '--', join(tmp, 'round0.db')], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (g.status !== 0) fail(`integrity: ${g.stderr || g.stdout}`);
  integrity = JSON.parse(g.stdout.trim().split('\n').pop());
  micro.push(...integrity.micro);
}
rmSync(tmp, { recursive: true, force: true });

// 5. Live capture (needs root for a private network namespace): the highest tcpreplay rate through a veth
//    with zero drops over 20 s (no store), then a soak at the drone unit's floor rate with the SQLite store on,
//    sampling the daemon's RSS. Skipped with --skip-live, or with a note when not root.
let live;
if (!flag('skip-live')) {
  if (process.getuid?.() !== 0) {
    process.stderr.write('bench: live capture needs root (ip netns); run as root or pass --skip-live\n');
  } else {
    const peer = join(ROOT, 'fixtures', 'peer-pcaps', 'mixed-browsing-dns-tls-http__sv-base64-decode-5885.pcap');
    const pcap = existsSync(peer) ? peer : join(ROOT, 'fixtures', 'session-dji-mixed.pcap');
    const rates = opt('live-rates', '50000,100000,150000,200000,300000');
    const search = ['--search', pcap, rates, opt('live-seconds', '20'), opt('live-soak-seconds', '120')];
    const l = spawnSync('npx', ['vite-node', 'bench/live.ts', ...search], {
      cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (l.status !== 0) fail(`live capture: exit ${l.status}`);
    live = JSON.parse(l.stdout.trim().split('\n').pop());
  }
}

// 6. Delivery (issue 14): outbox cost per alert, and replay with a hanging destination vs none. Skipped with --skip-delivery.
let delivery;
if (!flag('skip-delivery')) {
  const d = spawnSync('npx', ['vite-node', 'bench/delivery.ts', '--', '--capture', capture, '--rounds', String(ROUNDS)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (d.status !== 0) fail(`delivery: ${d.stderr || d.stdout}`);
  delivery = JSON.parse(d.stdout.trim().split('\n').pop());
}
// 6. The report over a month of stored records.
const report = flag('skip-report') ? undefined : reportBench();

// 7. Real-client corpus (issue 18): ndpiReader, tshark, tcpdump and groundwatch's configurations on the
//    corpus bench/corpus/build-corpus.sh records (root, first time), start-up time, a simulated year's store.
//    Skipped with --skip-corpus; bench/corpus/bench-corpus.mjs also runs alone (--only startup|corpus).
let corpus;
if (!flag('skip-corpus')) {
  const c = spawnSync(process.execPath, ['bench/corpus/bench-corpus.mjs', '--rounds', opt('corpus-rounds', '1')], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (c.status !== 0) fail(`corpus: exit ${c.status}`);
  const out = c.stdout.trim().split('\n');
  corpus = { ...JSON.parse(out.pop()), table: out };
}

// 5. Report, keep, compare.
const gw = { seconds: median(gwRuns.map((r) => r.seconds)), peakMb: Math.max(...gwRuns.map((r) => r.peakMb)) };
gw.pps = manifest.packets / gw.seconds;
const ts = tsharkRuns.length ? { seconds: median(tsharkRuns.map((r) => r.seconds)), peakMb: Math.max(...tsharkRuns.map((r) => r.peakMb)) } : undefined;
if (ts) ts.pps = manifest.packets / ts.seconds;
const result = {
  when: new Date().toISOString(),
  node: process.version,
  capture: { file: capture, ...manifest },
  rounds: ROUNDS,
  groundwatch: gw,
  tshark: ts,
  ratio: ts ? gw.pps / ts.pps : undefined,
  micro,
  integrity: integrity?.replay,
  live,
  delivery,
  report,
  corpus,
};

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const lines = [
  `capture: ${fmt(manifest.packets)} packets, ${fmt(manifest.sessions)} sessions (bench/generate.ts), median of ${ROUNDS} rounds, whole process incl. start-up`,
  '',
  'tool                          seconds   packets/s   peak RSS MB',
  `groundwatch (full, SQLite on) ${fmt(gw.seconds, 2).padStart(7)} ${fmt(gw.pps).padStart(11)} ${fmt(gw.peakMb, 1).padStart(13)}`,
];
if (ts) lines.push(`tshark -T fields (reference)  ${fmt(ts.seconds, 2).padStart(7)} ${fmt(ts.pps).padStart(11)} ${fmt(ts.peakMb, 1).padStart(13)}`);
if (ts) lines.push('', `ratio groundwatch/tshark: ${fmt(result.ratio, 2)}x  (issue 7 target: >= 15x, >= 300,000 packets/s, <= 200 MB)`);
if (micro.length) {
  lines.push('', 'micro-benchmark                                   ops/s        ns/op   checked');
  for (const m of micro) lines.push(`${m.name.padEnd(48)} ${fmt(m.opsPerSec).padStart(12)} ${fmt(m.nsPerOp, 0).padStart(10)}   ${m.check}`);
}
if (integrity?.replay) {
  const r = integrity.replay;
  lines.push('', `integrity log of the replay: ${fmt(r.entries)} entries made in ${fmt(r.logMs, 1)} ms CPU (replay wall time ${fmt(gw.seconds, 2)} s), verified in ${fmt(r.verifyMs, 1)} ms CPU`);
}
if (live) {
  lines.push('', `live capture through a veth, ${opt('live-seconds', '20')} s per rate (tcpreplay -> monitor, no store):`);
  for (const r of live.runs) lines.push(`  ${fmt(r.pps).padStart(8)} pps requested, ${fmt(r.actualPps).padStart(8)} reached: sent ${fmt(r.sent)}, processed ${fmt(r.processed)}, missing ${fmt(r.missing)}, libpcap dropped ${fmt(r.dropped)}, interface drops ${fmt(r.ifDropped)}, gaps ${r.gaps}`);
  lines.push(`  highest rate with zero drops: ${live.best === undefined ? 'none of the rates tried' : `${fmt(live.best)} packets/s`} (issue 6 floor: 50,000)`);
  const s = live.soak;
  if (s) {
    lines.push('', `soak: ${fmt(s.seconds)} s at ${fmt(s.pps)} pps with the SQLite store on: sent ${fmt(s.sent)}, missing ${fmt(s.missing)}, libpcap dropped ${fmt(s.dropped)}, gaps ${s.gaps}`);
    lines.push(`  daemon RSS: ${fmt(s.rss.startMb, 1)} MB at start, ${fmt(s.rss.endMb, 1)} MB at the end, peak ${fmt(s.rss.peakMb, 1)} MB (samples every 5 s: ${s.rss.samplesMb.map((m) => fmt(m, 0)).join(' ')})`);
  }
}
if (delivery) {
  lines.push('', `delivery (${fmt(delivery.alerts)} alerts, median of ${delivery.rounds}):`);
  lines.push(`  store commit per alert: ${fmt(delivery.store_commit_us_per_alert.without_outbox, 1)} us without outbox, ${fmt(delivery.store_commit_us_per_alert.with_outbox, 1)} us with one outbox row`);
  lines.push(`  dispatch per alert: ${fmt(delivery.dispatch_us_per_alert.in_process_ack, 1)} us (in-process ack), ${fmt(delivery.dispatch_us_per_alert.local_webhook, 1)} us (local HTTP webhook)`);
  const r = delivery.replay_seconds;
  if (r) lines.push(`  replay (${fmt(r.alerts)} alerts): ${fmt(r.no_destination, 2)} s without destination, ${fmt(r.healthy_destination, 2)} s with a healthy one, ${fmt(r.hanging_destination, 2)} s with a hanging one (hanging/healthy ${fmt(r.hanging_vs_healthy, 2)}, hanging/none ${fmt(r.hanging_vs_none, 2)})`);
}
if (report) lines.push('', reportLine(report));
if (corpus) lines.push('', 'real-client corpus (issue 18):', ...corpus.table.map((l) => `  ${l}`), `  start-up (tiny capture, --no-db, median of 10): ${fmt(corpus.startup.medianMs)} ms, bare node ${fmt(corpus.startup.bareNodeMedianMs)} ms (x${fmt(corpus.startup.ratioToBareNode, 2)}; target <= 150 ms); CPU ${fmt(corpus.startup.cpuMs)} ms, bare node ${fmt(corpus.startup.bareNodeCpuMs)} ms (x${fmt(corpus.startup.cpuRatioToBareNode, 2)})`);
const previousFile = join(RESULTS, 'latest.json');
if (existsSync(previousFile)) {
  const prev = JSON.parse(readFileSync(previousFile, 'utf8'));
  lines.push('', `compared with the previous run (${prev.when}):`);
  if (prev.ratio && result.ratio) lines.push(`  ratio ${fmt(prev.ratio, 2)}x -> ${fmt(result.ratio, 2)}x`);
  lines.push(`  groundwatch ${fmt(prev.groundwatch.pps)} -> ${fmt(gw.pps)} packets/s, peak ${fmt(prev.groundwatch.peakMb, 1)} -> ${fmt(gw.peakMb, 1)} MB`);
  for (const m of micro) {
    const p = prev.micro?.find((x) => x.name === m.name);
    if (p) lines.push(`  ${m.name.padEnd(46)} ${((m.opsPerSec / p.opsPerSec - 1) * 100).toFixed(0).padStart(5)} %`);
  }
  writeFileSync(join(RESULTS, 'previous.json'), JSON.stringify(prev, null, 2));
}
writeFileSync(previousFile, JSON.stringify(result, null, 2));
process.stdout.write(`${lines.join('\n')}\n`);
