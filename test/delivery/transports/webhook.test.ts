import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDestination } from '../../../src/delivery/url.js';
import { WebhookTransport } from '../../../src/delivery/transports/webhook.js';
import type { OutgoingMessage } from '../../../src/delivery/transport.js';
import type { WebhookDestination } from '../../../src/delivery/destination.js';

/** A webhook secret in the whsec_ convention (the example from the Standard Webhooks spec). */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server;
let base: string;
let behaviour: Behaviour;
const received: Received[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      behaviour(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function message(id: string, extra: Record<string, unknown> = {}): OutgoingMessage {
  return {
    id,
    kind: 'alert',
    severity: 'high',
    timestamp: '2026-12-01T03:00:00.123Z',
    json: JSON.stringify({ '@timestamp': '2026-12-01T03:00:00.123Z', event: { id }, rule: { name: 'DJI telemetry to CN' }, ...extra }),
    summary: { alert_id: id, rule: 'DJI telemetry to CN' },
  };
}

function transport(path: string, options: Record<string, string> = {}, now?: () => number): WebhookTransport {
  const destination = parseDestination(`${base}${path}`, options, { env: { GW_SECRET: SECRET } }) as WebhookDestination;
  return new WebhookTransport(destination, now);
}

describe('webhook transport', () => {
  it('POSTs the ECS JSON, signed so that the reference verifier (standardwebhooks) accepts it exactly', async () => {
    behaviour = (_req, res) => res.writeHead(200).end('ok');
    received.length = 0;
    const t = transport('/hook?tenant=7', { secret_env: 'GW_SECRET' });
    const m = message('gw-alert-1', { host: { name: 'dröne-box "ü"' } });
    expect(await t.send(m)).toEqual({ kind: 'acknowledged' });
    await t.close();

    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.path).toBe('/hook?tenant=7');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.body).toBe(m.json);
    expect(got.headers['webhook-id']).toBe('gw-alert-1');
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);

    const verifier = new Webhook(SECRET);
    const headers = {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    };
    expect(verifier.verify(got.body, headers)).toEqual(JSON.parse(m.json));
    // One changed byte, a different id, another key: all refused.
    expect(() => verifier.verify(got.body.replace('CN', 'DE'), headers)).toThrow(/signature/i);
    expect(() => verifier.verify(got.body, { ...headers, 'webhook-id': 'gw-alert-2' })).toThrow(/signature/i);
    expect(() => new Webhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').verify(got.body, headers)).toThrow(/signature/i);
  });

  it('2xx other than 200 is an acknowledgement too', async () => {
    behaviour = (_req, res) => res.writeHead(204).end();
    const t = transport('/hook');
    expect(await t.send(message('a'))).toEqual({ kind: 'acknowledged' });
    await t.close();
  });

  it('410 disables the destination', async () => {
    behaviour = (_req, res) => res.writeHead(410).end();
    const t = transport('/hook');
    const outcome = await t.send(message('a'));
    expect(outcome.kind).toBe('disabled');
    await t.close();
  });

  it('429 and 503 honour Retry-After in seconds and as an HTTP date', async () => {
    const now = Date.parse('2026-12-01T03:00:00Z');
    behaviour = (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end();
    const t = transport('/hook', {}, () => now);
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry', retryAfterMs: 7000, reason: expect.stringMatching(/429/) });
    behaviour = (_req, res) => res.writeHead(503, { 'retry-after': 'Tue, 01 Dec 2026 03:02:00 GMT' }).end();
    expect(await t.send(message('b'))).toMatchObject({ kind: 'retry', retryAfterMs: 120_000, reason: expect.stringMatching(/503/) });
    await t.close();
  });

  it('500 is retried', async () => {
    behaviour = (_req, res) => res.writeHead(500).end('boom');
    const t = transport('/hook');
    const outcome = await t.send(message('a'));
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/HTTP 500/) });
    expect(outcome).not.toHaveProperty('retryAfterMs');
    await t.close();
  });

  it('a redirect is not followed and is not an acknowledgement', async () => {
    received.length = 0;
    behaviour = (req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: `${base}/elsewhere` }).end();
      else res.writeHead(200).end();
    };
    const t = transport('/moved');
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/302 redirect .*elsewhere not followed/) });
    await t.close();
    expect(received.map((r) => r.path)).toEqual(['/moved']);
  });

  it('a receiver that never answers is cut by the timeout', async () => {
    behaviour = () => undefined; // read the request, never answer
    const t = transport('/hang', { timeout_ms: '300' });
    const started = Date.now();
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/no answer within 300 ms/) });
    expect(Date.now() - started).toBeLessThan(3000);
    await t.close();
  });

  it('a connection reset is retried', async () => {
    behaviour = (req) => req.socket.destroy();
    const t = transport('/reset');
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/ECONNRESET|socket hang up|closed/) });
    await t.close();
  });

  it('a refused connection is retried', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const t = new WebhookTransport(parseDestination(`http://127.0.0.1:${port}/x`) as WebhookDestination);
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/ECONNREFUSED/) });
    await t.close();
  });

  it('after close, sends resolve as retry', async () => {
    const t = transport('/hook');
    await t.close();
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry' });
  });
});
