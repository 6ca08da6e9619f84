/**
 * deploy/rsyslog-central.conf, run by a real rsyslogd with only its paths and
 * ports substituted (files into a temp dir, listeners on 127.0.0.1): boxes
 * with certificates named *.boxes.example.org from the force's CA deliver over
 * RELP/TLS and syslog/TLS; per-box files and the ECS NDJSON hold what they sent;
 * a certificate from another CA, or from the right CA with another name, is refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/delivery/transports/factory.js';
import type { OutgoingMessage } from '../../src/delivery/transport.js';
import { parseDestination, type DestinationOptions } from '../../src/delivery/url.js';
import { startRsyslog, type RsyslogServer } from '../support/rsyslog.js';

const CONFIG = readFileSync(new URL('../../deploy/rsyslog-central.conf', import.meta.url), 'utf8');

let rsyslog: RsyslogServer;
let logDir: string;

beforeAll(async () => {
  rsyslog = await startRsyslog({
    tls: true,
    relpTls: true,
    config: ({ dir, ports, pki }) => {
      logDir = join(dir, 'log');
      const substituted = CONFIG.replaceAll('/etc/rsyslog.d/groundwatch/ca.pem', pki.caCert)
        .replaceAll('/etc/rsyslog.d/groundwatch/central.pem', pki.serverCert)
        .replaceAll('/etc/rsyslog.d/groundwatch/central.key', pki.serverKey)
        .replaceAll('/var/log/groundwatch', logDir)
        .replace('port="6514"', `address="127.0.0.1" port="${ports.tls}"`)
        .replace('port="2514"', `address="127.0.0.1" port="${ports.relpTls}"`);
      // Only paths and ports may differ from the shipped file.
      expect(substituted.split('\n')).toHaveLength(CONFIG.split('\n').length);
      return `global(workDirectory="${dir}/work")\n${substituted}`;
    },
  });
});

afterAll(async () => {
  await rsyslog?.stop();
});

function message(id: string, box: string, dst: string): OutgoingMessage {
  const record = { '@timestamp': '2026-12-01T03:00:00.123Z', event: { id, kind: 'alert', severity: 73 }, host: { name: box }, destination: { domain: dst } };
  return { id, kind: 'alert', severity: 'high', timestamp: '2026-12-01T03:00:00.123Z', json: JSON.stringify(record), summary: { alert_id: id, rule: 'r1', severity: 'high', dst, country: 'CN' } };
}

function box(url: string, hostname: string, client: { cert: string; key: string }): ReturnType<typeof createTransport> {
  const options: DestinationOptions = { ca: rsyslog.pki.caCert, ...client, servername: rsyslog.pki.serverName, hostname, timeout_ms: 5000 };
  return createTransport(parseDestination(url, options));
}

async function waitForFile(path: string, lines: number): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
    if (got.length >= lines) return got;
    if (Date.now() > deadline) throw new Error(`${path}: ${got.length} of ${lines} lines\n${rsyslog.diagnostics()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('deploy/rsyslog-central.conf', () => {
  it('boxes deliver over RELP/TLS and syslog/TLS; per-box files and the ECS NDJSON hold every record', async () => {
    const client = { cert: rsyslog.pki.clientCert, key: rsyslog.pki.clientKey };
    const relp = box(`relp+tls://127.0.0.1:${rsyslog.ports.relpTls}`, 'gw-box-01', client);
    const tls = box(`syslog+tls://127.0.0.1:${rsyslog.ports.tls}`, 'gw-box-02', client);
    const sent = [
      message('c-1', 'gw-box-01', 'api.dji.example'),
      message('c-2', 'gw-box-01', 'evil]"\\\nname'),
      message('c-3', 'gw-box-02', 'mydjiflight.dji.example'),
    ];
    expect(await relp.send(sent[0]!)).toEqual({ kind: 'acknowledged' });
    expect(await relp.send(sent[1]!)).toEqual({ kind: 'acknowledged' });
    expect(await tls.send(sent[2]!)).toEqual({ kind: 'acknowledged' });
    await relp.close();
    await tls.close();

    const ecs = await waitForFile(join(logDir, 'ecs.ndjson'), 3);
    expect(ecs.map((line) => JSON.parse(line))).toEqual(sent.map((m) => JSON.parse(m.json)));
    const box1 = await waitForFile(join(logDir, 'boxes', 'gw-box-01.log'), 2);
    const box2 = await waitForFile(join(logDir, 'boxes', 'gw-box-02.log'), 1);
    expect(box1).toHaveLength(2);
    expect(box1[0]).toMatch(/^2026-12-01T03:00:00\.123\S* gw-box-01 alert high c-1 r1 api\.dji\.example CN$/);
    // The hostile name stays on its line: rsyslog writes the newline as #012.
    expect(box1[1]).toContain('c-2 r1 evil]"\\#012name CN');
    expect(box2).toEqual([expect.stringMatching(/ gw-box-02 alert high c-3 r1 mydjiflight\.dji\.example CN$/)]);
  });

  it('refuses a certificate from another CA, and one from the right CA with a name outside *.boxes.example.org', async () => {
    const pki = rsyslog.pki;
    for (const client of [
      { cert: pki.wrongClientCert, key: pki.wrongClientKey },
      { cert: pki.outsiderCert, key: pki.outsiderKey },
    ]) {
      for (const url of [`relp+tls://127.0.0.1:${rsyslog.ports.relpTls}`, `syslog+tls://127.0.0.1:${rsyslog.ports.tls}`]) {
        const t = box(url, 'intruder', client);
        expect((await t.send(message('x-1', 'intruder', 'a'))).kind, url).toBe('retry');
        await t.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(existsSync(join(logDir, 'boxes', 'intruder.log'))).toBe(false);
  });
});
