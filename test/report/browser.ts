/**
 * The system Chromium (Debian package `chromium`), headless over the DevTools protocol with
 * puppeteer-core; nothing downloads a browser. Every request the page attempts is recorded
 * and aborted unless it is the report file itself, and console errors are kept.
 */
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';

export interface OpenedReport {
  browser: Browser;
  page: Page;
  /** Every request after the document itself (none is allowed to leave). */
  requests: string[];
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root (CI containers) cannot use Chromium's sandbox.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

export async function openReport(file: string, viewport = { width: 1240, height: 900 }): Promise<OpenedReport> {
  const browser = await launch();
  const page = await browser.newPage();
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (req.url() === url) {
      void req.continue();
      return;
    }
    requests.push(req.url());
    void req.abort();
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  await page.setViewport(viewport);
  await page.goto(url, { waitUntil: 'load' });
  return { browser, page, requests, consoleErrors, close: () => browser.close() };
}
