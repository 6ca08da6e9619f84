/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Hostile names from the wire in the report: a TLS SNI carrying markup, quotes and a bidi
 * override, and an HTTP Host trying to break out of an attribute. The report of their replay
 * is opened in Chromium: the names render as text, nothing runs, no element is injected, and
 * the override is replaced by a visible marked escape inside a left-to-right isolate.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasInvisible, text, wire } from '../../src/report/html/escape.js';
import { runCli } from '../support/cli.js';
import { ACK, PSH, SYN, ascii, ethernetIp, pcapFile, tcpPacket } from '../support/packet-builder.js';
import { buildClientHello, tlsRecords } from '../support/tls-client-hello-builder.js';
import { openReport, type OpenedReport } from './browser.js';

const SNI = `<script>window.__pwned=1</script>"'\u202egpj.dji.com`;
const HOST = `x"><img src=x onerror="window.__pwned=2">.dji.com`;

function capture(dir: string): string {
  const client = '192.168.1.20';
  const frames: Uint8Array[] = [];
  const conn = (server: string, port: number, request: Uint8Array) => {
    const ep = { src: client, dst: server };
    const back = { src: server, dst: client };
    frames.push(ethernetIp(tcpPacket(ep, { srcPort: 40000 + port, dstPort: port, flags: SYN, seq: 0 })));
    frames.push(ethernetIp(tcpPacket(back, { srcPort: port, dstPort: 40000 + port, flags: SYN | ACK, seq: 0, ack: 1 })));
    frames.push(ethernetIp(tcpPacket(ep, { srcPort: 40000 + port, dstPort: port, flags: PSH | ACK, seq: 1, ack: 1 }, request)));
  };
  conn('120.55.9.120', 443, tlsRecords(buildClientHello({ sni: new TextEncoder().encode(SNI) })));
  conn('120.55.9.121', 80, ascii(`GET / HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`));
  const file = join(dir, 'hostile.pcap');
  writeFileSync(file, pcapFile(1, frames.map((data, i) => ({ tsSec: 1_767_225_600, tsNsec: i * 1000, data }))));
  return file;
}

describe('escape', () => {
  it('escapes markup and quotes, and replaces bidi and control characters by a visible marked escape', () => {
    expect(text(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    const out = text('a\u202eb\u2066c\u0000d');
    expect(out).not.toMatch(/[\u202e\u2066\u0000]/);
    expect(out).toContain('⟦U+202E⟧');
    expect(out).toContain('⟦U+2066⟧');
    expect(out).toContain('⟦U+0000⟧');
    expect(wire('x')).toBe('<bdi dir="ltr">x</bdi>');
    expect(hasInvisible('ok.example')).toBe(false);
    expect(hasInvisible('a\u202eb')).toBe(true);
  });
});

describe('hostile names in the report, rendered by Chromium', () => {
  let opened: OpenedReport;
  let html: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-report-hostile-'));
    const report = join(dir, 'r.html');
    const r = runCli(['replay', capture(dir), '--no-db', '--format', 'ndjson', '--no-summary', '--fail-on', 'never', '--report', report]);
    expect(r.status, r.stderr).toBe(0);
    // The replay kept the hostile names (NDJSON holds the exact strings): the report had them to escape.
    const domains = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { destination?: { domain?: string } }).map((x) => x.destination?.domain);
    expect(domains).toContain(SNI.toLowerCase());
    html = readFileSync(report, 'utf8');
    opened = await openReport(report);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('writes no markup of theirs and no raw override into the file', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('\u202e');
  });

  it('shows the names as text; nothing ran and nothing was injected', async () => {
    const { page } = opened;
    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      scripts: document.querySelectorAll('script').length,
      imgs: document.querySelectorAll('img').length,
      text: document.body.innerText,
      keys: [...document.querySelectorAll('#inventory tbody tr')].map((tr) => tr.getAttribute('data-key')),
      isolated: [...document.querySelectorAll('#inventory td.dest bdi')].map((b) => b.getAttribute('dir')),
      marks: document.querySelectorAll('#inventory td.dest .esc').length,
    }));
    expect(state.pwned).toBeNull();
    expect(state.scripts).toBe(0);
    expect(state.imgs).toBe(0);
    // The names appear literally (the override replaced by its visible escape).
    expect(state.text).toContain(`<script>window.__pwned=1</script>"'⟦U+202E⟧gpj.dji.com`);
    expect(state.text).toContain(HOST.toLowerCase());
    expect(state.text).not.toContain('\u202e');
    // Attributes hold the exact (escaped) strings: the Host did not break out of data-key.
    expect(state.keys).toContain(HOST.toLowerCase());
    expect(state.isolated.every((d) => d === 'ltr')).toBe(true);
    expect(state.marks).toBeGreaterThan(0);
    expect(opened.requests).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });
});
