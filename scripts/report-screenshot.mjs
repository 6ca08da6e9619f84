#!/usr/bin/env node
/**
 * Regenerates docs/report.png, the README's picture of the report: replays the shipped
 * session fixture with --report (no store), opens the file in the system Chromium (headless,
 * no network: every request is refused) and screenshots the top of the page.
 *
 *   npm run build && node scripts/report-screenshot.mjs [--out docs/report.png] [--height 1500]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const out = opt('out', join(ROOT, 'docs', 'report.png'));
const height = Number(opt('height', '1500'));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

const tmp = mkdtempSync(join(tmpdir(), 'gw-report-shot-'));
try {
  const report = join(tmp, 'report.html');
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'replay', 'fixtures/session-dji-mixed.pcapng',
    '--no-db', '--format', 'ndjson', '--no-summary', '--fail-on', 'never', '--unit', 'Drone unit 3 (example)', '--report', report], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`replay exited ${r.status}: ${r.stderr}`);
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  try {
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on('request', (req) => (req.url().startsWith('file:') ? req.continue() : req.abort()));
    await page.setViewport({ width: 1240, height, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
    await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1240, height } });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${out}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
