/**
 * Hostile names end to end: an SNI and an HTTP Host carrying ANSI escapes,
 * bidi overrides, control characters and spreadsheet formulas. Terminal text
 * and CSV export must neutralise them; NDJSON and SQLite keep the exact bytes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readStoredText } from '../../src/sinks/stored-record-reader.js';
import { runCli } from '../support/cli.js';
import { ACK, PSH, SYN, ascii, concat, ethernetIp, pcapFile, tcpPacket } from '../support/packet-builder.js';
import { buildClientHello, tlsRecords } from '../support/tls-client-hello-builder.js';

const SNI = '\u001b[31mflysafe\u202e.dji.com\u0007';
const HOST = '=HYPERLINK("http://x.invalid","click")';

function capture(): string {
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
  const file = join(mkdtempSync(join(tmpdir(), 'gw-hostile-')), 'hostile.pcap');
  writeFileSync(file, pcapFile(1, frames.map((data, i) => ({ tsSec: 1_767_225_600, tsNsec: i * 1000, data }))));
  return file;
}

const hasRawControl = (s: string) => /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s);

describe('hostile names', () => {
  const file = capture();

  it('text output on a terminal shows them escaped, never raw', () => {
    const r = runCli(['replay', file, '--no-db', '--format', 'text', '--events', 'all']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('flysafe');
    expect(hasRawControl(r.stdout)).toBe(false);
  });

  it('NDJSON and SQLite keep the exact bytes; CSV export neutralises escapes and formulas', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-hostile-db-'));
    const db = join(dir, 'gw.db');
    const r = runCli(['replay', file, '--db', db, '--format', 'ndjson', '--events', 'all', '--no-summary']);
    const flows = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((x) => x.event.dataset === 'groundwatch.flow');
    const sni = flows.find((f) => f.destination.port === 443);
    expect(sni.tls.client.server_name).toBe(SNI);
    expect(sni.destination.domain).toBe(SNI.toLowerCase());
    const store = new Database(db, { readonly: true });
    const domains = (store.prepare('SELECT destination_domain AS d FROM flows').all() as { d: string | null }[]).map((x) => x.d);
    store.close();
    expect(domains).toContain(SNI.toLowerCase());

    const csv = runCli(['flows', 'list', '--db', db, '--format', 'csv']);
    expect(csv.status).toBe(0);
    expect(hasRawControl(csv.stdout.replace(/\r\n/g, '\n'))).toBe(false);
    const table = runCli(['flows', 'list', '--db', db, '--format', 'table']);
    expect(hasRawControl(table.stdout)).toBe(false);
  });

  it('a formula-looking Host is kept exactly in NDJSON and prefixed in CSV', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-hostile-db-'));
    const db = join(dir, 'gw.db');
    runCli(['replay', file, '--db', db, '--format', 'ndjson', '--no-summary']);
    const store = new Database(db, { readonly: true });
    const rec = readStoredText(store, (store.prepare('SELECT record FROM flows WHERE destination_port = 80').get() as { record: unknown }).record);
    store.close();
    expect(JSON.parse(rec).groundwatch.http.host).toBe(HOST.toLowerCase());
    const csv = runCli(['flows', 'list', '--db', db, '--format', 'csv']);
    for (const cell of csv.stdout.split(/[,\r\n]/)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
  });
});
