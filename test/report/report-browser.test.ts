/// <reference lib="dom" />
/**
 * The report of the shipped session, opened in a real Chromium. Expected destinations and
 * countries come from fixtures/session-dji-mixed.expected.json, which was built from tshark
 * (names on 5-tuples) and mmdblookup over the embedded GeoIP databases (fixtures/README.md),
 * not from our output. Saves a full-page screenshot and a PDF under test-results/report/
 * and checks the PDF's page count with pdfinfo (poppler-utils).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { openReport, type OpenedReport } from './browser.js';

interface PlannedFlow {
  dst: string;
  dstPort: number;
  name: string | null;
  category: 'a' | 'b' | 'c' | 'd' | 'e';
  geo?: { country: string };
}

const expected = JSON.parse(readFileSync(`${REPO_ROOT}fixtures/session-dji-mixed.expected.json`, 'utf8')) as { flows: PlannedFlow[] };
/** Categories a-d raise alerts (fixtures/README.md); e is benign. */
const alerting = expected.flows.filter((f) => f.category !== 'e');
const benignPublic = expected.flows.filter((f) => f.category === 'e' && f.geo);
const ARTIFACTS = join(REPO_ROOT, 'test-results', 'report');

interface InventoryRow {
  key: string;
  dest: string;
  addresses: string;
  country: string;
  category: string;
}

describe('report of fixtures/session-dji-mixed.pcapng in Chromium', () => {
  let opened: OpenedReport;
  let file: string;

  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'gw-report-browser-')), 'r.html');
    const r = runCli(['replay', 'fixtures/session-dji-mixed.pcapng', '--no-db', '--format', 'ndjson', '--no-summary', '--report', file]);
    expect(r.status, r.stderr).toBe(1); // alerts reach high (the default --fail-on)
    opened = await openReport(file);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('lists every alert destination in the inventory with its country', async () => {
    const rows = await opened.page.$$eval('#inventory tbody tr', (trs) =>
      trs.map((tr) => ({
        key: tr.getAttribute('data-key') ?? '',
        dest: (tr.querySelector('td.dest') as HTMLElement).innerText,
        addresses: (tr.children[1] as HTMLElement).innerText,
        country: (tr.querySelector('td.country') as HTMLElement).innerText,
        category: tr.getAttribute('data-category') ?? '',
      })),
    );
    for (const f of alerting) {
      const row = rows.find((r: InventoryRow) => r.addresses.split('\n').includes(f.dst));
      expect(row, `${f.dst} (${f.name}) in the inventory`).toBeDefined();
      expect(row!.country.split(/[\s,]+/)[0], `${f.dst} country`).toBe(f.geo!.country);
      // A name learned on the destination's own flow (SNI, Host) names the row; a resolver's row is its address.
      if (f.category !== 'd') expect(row!.dest.split('\n')[0]).toBe(f.name);
      expect(row!.category, `${f.dst} category`).not.toBe('other');
    }
    for (const f of benignPublic) {
      const row = rows.find((r: InventoryRow) => r.addresses.split('\n').includes(f.dst));
      expect(row?.category, `${f.dst} is benign`).toBe('other');
    }
  });

  it('shows the verdict sentence naming each Chinese and DJI destination with its country', async () => {
    const sentence = await opened.page.$eval('#verdict-sentence', (p) => (p as HTMLElement).innerText);
    // One flow per planned alerting flow (flysafe-api.dji.com is reached twice).
    expect(sentence).toMatch(new RegExp(`^${alerting.length} flows from the device 192\\.168\\.2\\.20 reached Chinese networks or DJI endpoints: `));
    for (const f of alerting) {
      const key = f.category === 'd' ? f.dst : f.name!;
      expect(sentence, key).toContain(`${key} (${f.geo!.country}`);
    }
    for (const f of benignPublic) expect(sentence).not.toContain(f.name!);
    expect(sentence).toMatch(/Worst severity: high\.$/);
    const qualifier = await opened.page.$eval('#verdict-qualifier', (p) => (p as HTMLElement).innerText);
    expect(qualifier).toMatch(/^Coverage: no capture gaps/);
  });

  it('attempted no network request and logged no console error', () => {
    expect(opened.requests).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });

  it('has no script, and its Content-Security-Policy blocks an injected image and script', async () => {
    const { page } = opened;
    expect(await page.$$eval('script, link, iframe, object, embed, img', (els) => els.length)).toBe(0);
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const cdp = await page.createCDPSession();
      const { result } = await cdp.send('Runtime.evaluate', {
        awaitPromise: true,
        returnByValue: true,
        expression: `new Promise((resolve) => {
          const seen = [];
          document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
          const img = document.createElement('img');
          img.src = 'http://127.0.0.1:${port}/beacon.png';
          document.body.appendChild(img);
          const s = document.createElement('script');
          s.textContent = 'window.__ran = true';
          document.body.appendChild(s);
          setTimeout(() => resolve({ seen, ran: window.__ran === true }), 500);
        })`,
      });
      const value = result.value as { seen: string[]; ran: boolean };
      expect(value.ran).toBe(false);
      expect(value.seen).toEqual(expect.arrayContaining(['img-src', 'script-src-elem']));
      expect(hits).toBe(0);
      // CSP stops the image before any request exists: interception saw nothing either.
      expect(opened.requests).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('saves a full-page screenshot and an A4 landscape PDF of a plausible length', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, 'session-dji-mixed.png');
    const pdf = join(ARTIFACTS, 'session-dji-mixed.pdf');
    await opened.page.screenshot({ path: png, fullPage: true });
    await opened.page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    // The report's print CSS asks for A4 landscape (the inventory has eleven columns).
    expect(info).toMatch(/^Page size:\s+84[12]\.\d+ x 59[45]\.\d+ pts/m);
    // 13 destinations and 22 alert cards (two columns in print): more than the header alone, far less than a page per card.
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(20);
  });
});
