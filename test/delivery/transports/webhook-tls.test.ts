/**
 * Webhooks over HTTPS with the test PKI: the server is verified against the
 * given CA and name, a client certificate is presented when configured, and an
 * untrusted server is a retry (never a silent downgrade).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../../src/delivery/transports/factory.js';
import type { OutgoingMessage } from '../../../src/delivery/transport.js';
import { parseDestination } from '../../../src/delivery/url.js';
import { GroundwatchError } from '../../../src/errors.js';
import { makeTestPki, type TestPki } from '../../support/test-pki.js';

let dir: string;
let pki: TestPki;
let server: https.Server;
let port: number;
const peers: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-webhook-tls-'));
  pki = makeTestPki(dir);
  server = https.createServer(
    { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ca: readFileSync(pki.caCert), requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      peers.push(socket.authorized ? String(socket.getPeerCertificate().subject?.CN) : 'anonymous');
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const message: OutgoingMessage = { id: 'w1', kind: 'alert', severity: 'high', timestamp: '2026-12-01T03:00:00.000Z', json: '{"a":1}', summary: {} };

describe('webhook over HTTPS', () => {
  it('verifies the server with the CA and name given, and presents the client certificate', async () => {
    const t = createTransport(parseDestination(`https://127.0.0.1:${port}/x`, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, servername: pki.serverName }));
    expect(await t.send(message)).toEqual({ kind: 'acknowledged' });
    await t.close();
    expect(peers.at(-1)).toBe(pki.clientName);
  });

  it('an untrusted server certificate or the wrong name is a retry', async () => {
    const untrusted = createTransport(parseDestination(`https://127.0.0.1:${port}/x`, { ca: pki.wrongCaCert, servername: pki.serverName }));
    expect(await untrusted.send(message)).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/certificate/i) });
    await untrusted.close();
    const systemStore = createTransport(parseDestination(`https://127.0.0.1:${port}/x`));
    expect(await systemStore.send(message)).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/certificate/i) });
    await systemStore.close();
    const wrongName = createTransport(parseDestination(`https://127.0.0.1:${port}/x`, { ca: pki.caCert, servername: 'hooks.example.org' }));
    expect(await wrongName.send(message)).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/hooks\.example\.org/) });
    await wrongName.close();
  });

  it('a TLS file that cannot be read fails at start-up with one line', () => {
    expect(() => createTransport(parseDestination(`https://127.0.0.1:${port}/x`, { ca: join(dir, 'missing.pem') }))).toThrow(GroundwatchError);
    expect(() => createTransport(parseDestination(`relp+tls://127.0.0.1:${port}`, { ca: join(dir, 'missing.pem') }))).toThrow(/ca file .*missing\.pem cannot be read \(ENOENT\)/);
  });
});
