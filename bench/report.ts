/**
 * The report over a month of stored records (bench/report-month.ts): how long `groundwatch
 * report` takes, how big the HTML is (target < 5 MB), and how long Chromium takes to load,
 * lay out and paint it (target < 2 s, median of 3 loads). Checks its own output: the JSON
 * report must count every generated flow and alert, the HTML must say how many alert cards
 * it left out. Last stdout line: one JSON result for bench/run.mjs.
 *
 *   npm run build && npx vite-node bench/report.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { ALERT_CARDS_SHOWN } from '../src/report/html/alert-cards.js';
import type { ReportModel } from '../src/report/schema.js';
import { writeMonth, type MonthTotals } from './report-month.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_HTML_BYTES = 5 * 1024 * 1024;
const MAX_RENDER_MS = 2000;

function fail(message: string): never {
  process.stderr.write(`bench report: FAILED: ${message}\n`);
  process.exit(1);
}

function timedCli(args: string[], check?: (stdout: string) => string | undefined): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) fail(`groundwatch ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const problem = check?.(r.stdout);
  if (problem) fail(`groundwatch ${args.join(' ')}: ${problem}`);
  return ms;
}

const lines = (n: number) => (out: string) => {
  const got = out.trim().split('\n').length;
  return got === n ? undefined : `${got} lines, expected ${n}`;
};

/**
 * The review commands and verify over the month, each a whole CLI process (start-up included,
 * as a user meets it; `replay --help`, loading alone, is timed beside them), median of 3. Each
 * checks its answer against what writeMonth wrote: line counts for --format ndjson lists,
 * verify's verdict and entry count.
 */
function reviewTimes(db: string, totals: MonthTotals): Record<string, number> {
  const cases: [string, string[], ((out: string) => string | undefined)?][] = [
    ['start-up (replay --help)', ['replay', '--help']],
    ['flows list (newest 100)', ['flows', 'list', '--db', db, '--limit', '100', '--format', 'ndjson'], lines(100)],
    ['flows list --country SG (all)', ['flows', 'list', '--db', db, '--country', 'SG', '--limit', '0', '--format', 'ndjson']],
    ['flows list --dst (one address, all)', ['flows', 'list', '--db', db, '--dst', '120.55.3.10', '--limit', '0', '--format', 'ndjson']],
    ['flows list --run (one day, all)', ['flows', 'list', '--db', db, '--run', 'month-run-12', '--limit', '0', '--format', 'ndjson'], lines(3000)],
    ['flows show <uid>', ['flows', 'show', 'Cm12x7', '--db', db, '--format', 'ndjson']],
    ['dns list --name (all)', ['dns', 'list', '--db', db, '--name', 'svc3.dji.com', '--limit', '0', '--format', 'ndjson']],
    ['alerts list (all)', ['alerts', 'list', '--db', db, '--limit', '0', '--format', 'ndjson'], lines(totals.alerts)],
    ['runs list', ['runs', 'list', '--db', db, '--format', 'ndjson'], lines(30)],
    ['verify --db', ['verify', '--db', db, '--format', 'json'], (out) => {
      const v = JSON.parse(out) as { ok?: boolean; entries?: number };
      return v.ok === true && (v.entries ?? 0) >= totals.alerts ? undefined : `verdict ${out.slice(0, 200)}`;
    }],
  ];
  const out: Record<string, number> = {};
  for (const [name, args, check] of cases) {
    const times = [0, 1, 2].map(() => timedCli(args, check)).sort((a, b) => a - b);
    out[name] = times[1]!;
  }
  return out;
}

async function renderMs(file: string, rounds = 3): Promise<number[]> {
  const browser = await puppeteer.launch({ executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium', headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  try {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const page = await browser.newPage();
      await page.setRequestInterception(true);
      const requests: string[] = [];
      page.on('request', (req) => {
        if (req.url().startsWith('file:')) void req.continue();
        else {
          requests.push(req.url());
          void req.abort();
        }
      });
      const started = process.hrtime.bigint();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Two animation frames after load: layout and the first paint of the whole document are done.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (requests.length) fail(`the report requested ${requests[0]}`);
      await page.close();
    }
    return times;
  } finally {
    await browser.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gw-bench-report-'));
try {
  const db = join(dir, 'month.db');
  const t0 = process.hrtime.bigint();
  const totals = await writeMonth(db);
  const writeMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const html = join(dir, 'month.html');
  const json = join(dir, 'month.json');
  const reportMs = timedCli(['report', '--db', db, '--out', html]);
  timedCli(['report', '--db', db, '--out', json]);

  const model = JSON.parse(readFileSync(json, 'utf8')) as ReportModel;
  if (model.coverage.flows_total !== totals.flows) fail(`report counts ${model.coverage.flows_total} flows, ${totals.flows} written`);
  if (model.alerts.length !== totals.alerts) fail(`report has ${model.alerts.length} alerts, ${totals.alerts} written`);
  if (model.destinations.length !== totals.destinations) fail(`report has ${model.destinations.length} destinations, ${totals.destinations} written`);
  if (model.coverage.capture_gaps !== totals.gaps) fail(`report counts ${model.coverage.capture_gaps} gaps, ${totals.gaps} written`);
  if (model.inputs.length !== 30) fail(`report lists ${model.inputs.length} runs, 30 written`);
  const text = readFileSync(html, 'utf8');
  const cards = (text.match(/<article class="card /g) ?? []).length;
  const more = totals.alerts - ALERT_CARDS_SHOWN;
  if (cards !== Math.min(ALERT_CARDS_SHOWN, totals.alerts)) fail(`${cards} alert cards drawn`);
  if (more > 0 && !text.includes(`${more.toLocaleString('en-US')} more alerts are not shown as cards`)) fail('the HTML does not say how many alerts it left out');
  const htmlBytes = statSync(html).size;
  const jsonBytes = statSync(json).size;
  const review = reviewTimes(db, totals);
  const times = await renderMs(html);
  const median = [...times].sort((a, b) => a - b)[1]!;
  const result = {
    name: 'report over a month of stored records',
    flows: totals.flows, alerts: totals.alerts, destinations: totals.destinations,
    dns: totals.dns, dbBytes: statSync(db).size, storeWriteMs: writeMs, reportMs, reviewMs: review, htmlBytes, jsonBytes, renderMs: times, renderMedianMs: median,
    ok: htmlBytes < MAX_HTML_BYTES && median < MAX_RENDER_MS,
  };
  process.stderr.write(
    `report bench: ${totals.flows} flows, ${totals.alerts} alerts, ${totals.destinations} destinations over 30 days; ` +
      `report ${reportMs.toFixed(0)} ms, HTML ${(htmlBytes / 1024).toFixed(0)} kB (JSON ${(jsonBytes / 1024).toFixed(0)} kB), ` +
      `Chromium load+paint ${times.map((t) => t.toFixed(0)).join(' / ')} ms (median ${median.toFixed(0)})\n` +
      `review commands over the month (whole process, median of 3): ${Object.entries(review).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join('; ')}\n`,
  );
  if (htmlBytes >= MAX_HTML_BYTES) fail(`HTML is ${htmlBytes} bytes (limit ${MAX_HTML_BYTES})`);
  if (median >= MAX_RENDER_MS) fail(`Chromium needed ${median.toFixed(0)} ms (limit ${MAX_RENDER_MS})`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
