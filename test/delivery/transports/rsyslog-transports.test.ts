/**
 * The transports against a real rsyslogd (Debian rsyslog, rsyslog-gnutls,
 * rsyslog-relp). The oracle is rsyslog's own parsing: its RFC 5424 parser
 * splits header, structured data and MSG, and mmpstrucdata undoes the SD
 * escapes; the test compares that with what was meant to be sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../../src/delivery/transports/factory.js';
import type { OutgoingMessage, Transport } from '../../../src/delivery/transport.js';
import { parseDestination, type DestinationOptions } from '../../../src/delivery/url.js';
import { startRsyslog, type RsyslogMessage, type RsyslogServer } from '../../support/rsyslog.js';

const HOSTILE = 'evil]"\\\nname [x@1 y="z"]';

let rsyslog: RsyslogServer;

beforeAll(async () => {
  rsyslog = await startRsyslog({ tls: true, tcp: true, relp: true, relpTls: true });
});

afterAll(async () => {
  await rsyslog?.stop();
});

function message(id: string, name = 'api.dji.example'): OutgoingMessage {
  const record = { '@timestamp': '2026-12-01T03:00:00.123Z', event: { id, kind: 'alert' }, destination: { domain: name }, rule: { name: `to ${name}` } };
  return {
    id,
    kind: 'alert',
    severity: 'high',
    timestamp: '2026-12-01T03:00:00.123Z',
    json: JSON.stringify(record),
    summary: { alert_id: id, rule: `to ${name}`, severity: 'high', dst: name, country: 'CN' },
  };
}

function tlsClient(): DestinationOptions {
  return { ca: rsyslog.pki.caCert, cert: rsyslog.pki.clientCert, key: rsyslog.pki.clientKey, servername: rsyslog.pki.serverName };
}

function transport(url: string, options: DestinationOptions = {}): Transport {
  return createTransport(parseDestination(url, { timeout_ms: 5000, ...options }));
}

async function sendAll(t: Transport, messages: OutgoingMessage[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const m of messages) outcomes.push((await t.send(m)).kind);
  return outcomes;
}

function byId(messages: RsyslogMessage[], prefix: string): Map<string, RsyslogMessage[]> {
  const map = new Map<string, RsyslogMessage[]>();
  for (const m of messages) {
    const id = m.sd['groundwatch@32473']?.alert_id;
    if (id?.startsWith(prefix)) map.set(id, [...(map.get(id) ?? []), m]);
  }
  return map;
}

function expectIntact(received: RsyslogMessage, sent: OutgoingMessage, input: string): void {
  expect(received.input).toBe(input);
  expect(received.app).toBe('groundwatch');
  expect(received.msgid).toBe('alert');
  expect(received.pri).toBe(String(16 * 8 + 3));
  expect(received.sd['groundwatch@32473']).toEqual(sent.summary);
  expect(JSON.parse(received.msg)).toEqual(JSON.parse(sent.json));
}

describe('syslog over TLS with a client certificate (rsyslog imtcp, gtls, x509/certvalid)', () => {
  it('every message arrives once, structured data intact, a hostile name with ] " \\ and a newline included', async () => {
    const messages = Array.from({ length: 20 }, (_, i) => message(`tls-${i}`, i % 5 === 0 ? HOSTILE : `host${i}.example`));
    const t = transport(`syslog+tls://127.0.0.1:${rsyslog.ports.tls}`, tlsClient());
    expect(await sendAll(t, messages)).toEqual(messages.map(() => 'acknowledged'));
    await t.close();
    const got = byId(await rsyslog.waitForMessages(20), 'tls-');
    expect([...got.keys()].sort()).toEqual(messages.map((m) => m.id).sort());
    for (const m of messages) {
      expect(got.get(m.id)).toHaveLength(1);
      expectIntact(got.get(m.id)![0]!, m, 'tls');
    }
    expect(got.get('tls-0')![0]!.sd['groundwatch@32473']!.dst).toBe(HOSTILE);
  });

  it('a client certificate from another CA is rejected by rsyslog and never reported acknowledged', async () => {
    const t = transport(`syslog+tls://127.0.0.1:${rsyslog.ports.tls}`, {
      ...tlsClient(),
      cert: rsyslog.pki.wrongClientCert,
      key: rsyslog.pki.wrongClientKey,
    });
    const outcomes = await Promise.all([t.send(message('rogue-1'))]);
    outcomes.push(await t.send(message('rogue-2')));
    await t.close();
    expect(outcomes.map((o) => o.kind)).toEqual(['retry', 'retry']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(byId(rsyslog.readMessages(), 'rogue-').size).toBe(0);
    expect(rsyslog.diagnostics()).toMatch(/not permitted to talk to peer|certificate invalid/);
  });

  it('without a client certificate rsyslog refuses too', async () => {
    const t = transport(`syslog+tls://127.0.0.1:${rsyslog.ports.tls}`, { ca: rsyslog.pki.caCert, servername: rsyslog.pki.serverName });
    expect((await t.send(message('nocert-1'))).kind).toBe('retry');
    await t.close();
  });

  it('the server is verified: an untrusted CA or the wrong expected name is a retry', async () => {
    const untrusted = transport(`syslog+tls://127.0.0.1:${rsyslog.ports.tls}`, { ...tlsClient(), ca: rsyslog.pki.wrongCaCert });
    expect(await untrusted.send(message('untrusted-1'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/certificate/i) });
    await untrusted.close();
    const wrongName = transport(`syslog+tls://127.0.0.1:${rsyslog.ports.tls}`, { ...tlsClient(), servername: 'central.example.org' });
    expect(await wrongName.send(message('wrongname-1'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/central\.example\.org|altnames/) });
    await wrongName.close();
  });
});

describe('syslog over TLS while rsyslog is down', () => {
  it('stopped: retry (never acknowledged); started again: the same transport reconnects and delivers', async () => {
    const t = transport(`syslog+tls://127.0.0.1:${rsyslog.ports.tls}`, tlsClient());
    expect(await t.send(message('tlsdown-0'))).toEqual({ kind: 'acknowledged' });
    await rsyslog.stopProcess();
    expect(await t.send(message('tlsdown-1'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/ECONNREFUSED/) });
    await rsyslog.startProcess();
    expect(await t.send(message('tlsdown-1'))).toEqual({ kind: 'acknowledged' });
    await t.close();
    const deadline = Date.now() + 10_000;
    let got = byId(rsyslog.readMessages(), 'tlsdown-');
    while (got.size < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      got = byId(rsyslog.readMessages(), 'tlsdown-');
    }
    expect([...got.keys()].sort()).toEqual(['tlsdown-0', 'tlsdown-1']);
  });
});

describe('syslog over plain TCP (rsyslog imtcp)', () => {
  it('delivers with structured data intact', async () => {
    const messages = [message('tcp-0', HOSTILE), message('tcp-1')];
    const t = transport(`syslog+tcp://127.0.0.1:${rsyslog.ports.tcp}`);
    expect(await sendAll(t, messages)).toEqual(['acknowledged', 'acknowledged']);
    await t.close();
    await rsyslog.waitForMessages(24);
    const got = byId(rsyslog.readMessages(), 'tcp-');
    for (const m of messages) expectIntact(got.get(m.id)![0]!, m, 'tcp');
  });
});

describe('RELP (rsyslog imrelp)', () => {
  it('plain: acknowledged (rsp 200) and delivered intact', async () => {
    const messages = Array.from({ length: 10 }, (_, i) => message(`relp-${i}`, i === 3 ? HOSTILE : `h${i}`));
    const t = transport(`relp://127.0.0.1:${rsyslog.ports.relp}`);
    expect(await sendAll(t, messages)).toEqual(messages.map(() => 'acknowledged'));
    await t.close();
    await rsyslog.waitForMessages(34);
    const got = byId(rsyslog.readMessages(), 'relp-');
    for (const m of messages) {
      expect(got.get(m.id)).toHaveLength(1);
      expectIntact(got.get(m.id)![0]!, m, 'relp');
    }
  });

  it('over TLS with a client certificate: delivered; a certificate from another CA: refused', async () => {
    const t = transport(`relp+tls://127.0.0.1:${rsyslog.ports.relpTls}`, tlsClient());
    expect(await t.send(message('relptls-0', HOSTILE))).toEqual({ kind: 'acknowledged' });
    await t.close();
    const rogue = transport(`relp+tls://127.0.0.1:${rsyslog.ports.relpTls}`, {
      ...tlsClient(),
      cert: rsyslog.pki.wrongClientCert,
      key: rsyslog.pki.wrongClientKey,
    });
    expect((await rogue.send(message('relptls-rogue'))).kind).toBe('retry');
    await rogue.close();
    await rsyslog.waitForMessages(35);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const got = byId(rsyslog.readMessages(), 'relptls-');
    expect([...got.keys()]).toEqual(['relptls-0']);
    expectIntact(got.get('relptls-0')![0]!, message('relptls-0', HOSTILE), 'relptls');
  });

  it('rsyslog stopped: retry; started again: the same transport delivers, and a restart mid-stream loses nothing', async () => {
    const t = transport(`relp://127.0.0.1:${rsyslog.ports.relp}`, { timeout_ms: 2000 });
    expect(await t.send(message('down-0'))).toEqual({ kind: 'acknowledged' });
    await rsyslog.stopProcess();
    const whileDown = await t.send(message('down-1'));
    expect(whileDown.kind).toBe('retry');
    await rsyslog.startProcess();

    // Mid-stream restart: everything not acknowledged is sent again until it is.
    const pending = Array.from({ length: 30 }, (_, i) => message(`down-${i + 1}`));
    let restarted = false;
    for (let round = 0; round < 20 && pending.length > 0; round += 1) {
      for (const m of [...pending]) {
        if (!restarted && m.id === 'down-15') {
          restarted = true;
          await rsyslog.restart();
        }
        if ((await t.send(m)).kind === 'acknowledged') pending.splice(pending.indexOf(m), 1);
      }
    }
    await t.close();
    expect(pending).toEqual([]);
    const deadline = Date.now() + 10_000;
    let got = byId(rsyslog.readMessages(), 'down-');
    while (got.size < 31 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      got = byId(rsyslog.readMessages(), 'down-');
    }
    expect([...got.keys()].sort()).toEqual(Array.from({ length: 31 }, (_, i) => `down-${i}`).sort());
  });
});
