/**
 * Headers-only slices hold no byte of application data: a capture whose TLS
 * application data and HTTP body (request and response) carry a marker gives
 * bundles without the marker by default, and with it only under
 * `--evidence-packets full`, the documented opt-in.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../src/records/ecs.js';
import { runCli } from '../support/cli.js';
import { tsharkFieldRows } from '../support/tshark.js';
import { HTTP_SERVER, MARKER, markerCapture, TLS_NAME, TLS_SERVER } from './marker-capture.js';

let dir: string;
let capture: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-marker-'));
  capture = join(dir, 'marker.pcap');
  writeFileSync(capture, markerCapture());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Replays the capture with the mode given, exports one alert per server, returns bundle dir per server. */
function bundles(mode: 'headers' | 'full'): Map<string, string> {
  const db = join(dir, `${mode}.db`);
  const replay = runCli(['replay', capture, '--db', db, '--format', 'ndjson', '--fail-on', 'never', '--no-summary', '--evidence-packets', mode]);
  expect(replay.status, replay.stderr).toBe(0);
  const alerts = runCli(['alerts', 'list', '--db', db, '--format', 'ndjson']).stdout.trim().split('\n').map((l) => JSON.parse(l) as AlertRecord);
  const out = new Map<string, string>();
  for (const server of [TLS_SERVER, HTTP_SERVER]) {
    const alert = alerts.find((a) => a.destination?.ip === server);
    expect(alert, `an alert for ${server}`).toBeDefined();
    const bundle = join(dir, `${mode}-${server}`);
    const r = runCli(['alerts', 'export', alert!.event.id, '--db', db, '--out', bundle]);
    expect(r.status, r.stderr).toBe(0);
    out.set(server, bundle);
  }
  return out;
}

function holdsMarker(path: string): boolean {
  return readFileSync(path).includes(Buffer.from(MARKER));
}

describe('payload marker', () => {
  it('the capture itself carries the marker where tshark sees application data (the test can fail)', () => {
    expect(holdsMarker(capture)).toBe(true);
    // Two TLS application-data records, the HTTP request body, its second segment and the response body: all TCP payload.
    expect(tsharkFieldRows(capture, ['frame.number'], { filter: `tcp.payload contains "${MARKER}"` }).length).toBe(5);
    expect(tsharkFieldRows(capture, ['frame.number'], { filter: `frame contains "${MARKER}"` }).length).toBe(5);
  });

  it('is in no file of the bundles by default (headers), while the ClientHello naming the flow is kept', () => {
    for (const [server, bundle] of bundles('headers')) {
      for (const name of readdirSync(bundle)) expect(holdsMarker(join(bundle, name)), `${server} ${name}`).toBe(false);
      const rows = tsharkFieldRows(join(bundle, 'packets.pcapng'), ['frame.len', 'frame.cap_len', 'tls.handshake.extensions_server_name']);
      expect(rows.length).toBe(tsharkFieldRows(capture, ['frame.number'], { filter: `ip.addr==${server}` }).length);
      // The cut frames keep their length on the wire.
      expect(rows.some(([len, cap]) => Number(len) > Number(cap))).toBe(true);
      if (server === TLS_SERVER) expect(rows.map((r) => r[2]).filter((n) => n !== '')).toEqual([TLS_NAME]);
    }
  });

  it('is in the packet slice only with --evidence-packets full', () => {
    for (const [server, bundle] of bundles('full')) {
      expect(holdsMarker(join(bundle, 'packets.pcapng')), server).toBe(true);
      const rows = tsharkFieldRows(join(bundle, 'packets.pcapng'), ['frame.len', 'frame.cap_len']);
      expect(rows.length).toBe(tsharkFieldRows(capture, ['frame.number'], { filter: `ip.addr==${server}` }).length);
      for (const [len, cap] of rows) expect(cap).toBe(len);
    }
  });
});
