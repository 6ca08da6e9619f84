/**
 * Syslog over TCP against a Node TCP server that splits octet-counted frames
 * itself: one connection reused, reconnect after the server closes, a server
 * that closes at once is not an acceptance, a receiver that stops reading is
 * cut by the timeout.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SyslogStreamTransport } from '../../../src/delivery/transports/syslog-stream.js';
import type { SyslogDestination } from '../../../src/delivery/destination.js';
import type { OutgoingMessage } from '../../../src/delivery/transport.js';
import { parseDestination } from '../../../src/delivery/url.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.close();
  }
});

/** Splits RFC 6587 octet-counted frames: "LEN SP MSG". */
function splitOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let offset = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(buffer.subarray(offset, space).toString('ascii'));
    if (!Number.isInteger(length) || buffer.length < space + 1 + length) break;
    messages.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
    offset = space + 1 + length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

async function server(onSocket: (socket: net.Socket, messages: string[]) => void): Promise<{ port: number; messages: string[]; connections: () => number }> {
  const messages: string[] = [];
  let connections = 0;
  const srv = net.createServer((socket) => {
    connections += 1;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const split = splitOctetCounted(Buffer.concat([pending, chunk]));
      messages.push(...split.messages);
      pending = split.rest;
    });
    onSocket(socket, messages);
  });
  servers.push(srv);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { port: (srv.address() as net.AddressInfo).port, messages, connections: () => connections };
}

function syslog(port: number, options: Record<string, string> = {}): SyslogStreamTransport {
  return new SyslogStreamTransport(parseDestination(`syslog+tcp://127.0.0.1:${port}`, { accept_grace_ms: '100', ...options }) as SyslogDestination);
}

function message(id: string, rule = 'r'): OutgoingMessage {
  return { id, kind: 'alert', severity: 'critical', timestamp: '2026-12-01T03:00:00.000Z', json: `{"id":"${id}"}`, summary: { alert_id: id, rule } };
}

describe('syslog over TCP', () => {
  it('octet-counted RFC 5424 frames on one reused connection; a newline in a value stays inside its frame', async () => {
    const srv = await server(() => undefined);
    const t = syslog(srv.port);
    for (const id of ['a', 'b', 'c']) expect(await t.send(message(id, 'x\n]y'))).toEqual({ kind: 'acknowledged' });
    await t.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(srv.messages).toHaveLength(3);
    expect(srv.messages[1]).toMatch(/^<130>1 2026-12-01T03:00:00.000Z \S+ groundwatch \d+ alert \[groundwatch@32473 alert_id="b" rule="x\n\\]y"\] \{"id":"b"\}$/);
    expect(srv.connections()).toBe(1);
  });

  it('a server that closes the session at once (as rsyslog does on a rejected certificate) is no acceptance', async () => {
    const srv = await server((socket) => socket.end());
    const t = syslog(srv.port, { accept_grace_ms: '500' });
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/closed the session right after set-up/) });
    await t.close();
  });

  it('reconnects after the server closed the connection', async () => {
    let first = true;
    const srv = await server((socket) => {
      if (first) {
        first = false;
        setTimeout(() => socket.end(), 600);
      }
    });
    const t = syslog(srv.port, { settle_ms: '100' });
    expect(await t.send(message('a'))).toEqual({ kind: 'acknowledged' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await t.send(message('b'))).toEqual({ kind: 'acknowledged' });
    await t.close();
    expect(srv.connections()).toBe(2);
  });

  it('a server that resets the connection right after our write: not acknowledged (retried, not lost)', async () => {
    const srv = await server((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const t = syslog(srv.port);
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/connection lost right after the write: .*(ECONNRESET|closed)/) });
    await t.close();
  });

  it('concurrent sends overlap their settle periods on the one connection', async () => {
    const srv = await server(() => undefined);
    const t = syslog(srv.port, { settle_ms: '300' });
    await t.send(message('warm'));
    const started = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => t.send(message(`c${i}`))));
    expect(outcomes.every((o) => o.kind === 'acknowledged')).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    await t.close();
    expect(srv.connections()).toBe(1);
  });

  it('a receiver that stops reading is cut by the timeout, not waited on for ever', async () => {
    const srv = await server((socket) => socket.pause());
    const t = syslog(srv.port, { timeout_ms: '500' });
    const big = { ...message('x'), json: JSON.stringify({ pad: 'p'.repeat(4 * 1024 * 1024) }) };
    const started = Date.now();
    const outcomes = [];
    for (let i = 0; i < 8; i += 1) {
      const outcome = await t.send(big);
      outcomes.push(outcome.kind);
      if (outcome.kind === 'retry') {
        expect(outcome.reason).toMatch(/write not taken within 500 ms/);
        break;
      }
    }
    expect(outcomes).toContain('retry');
    expect(Date.now() - started).toBeLessThan(15_000);
    await t.close();
  });

  it('nobody listening is a retry', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const t = syslog(port);
    expect(await t.send(message('a'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/ECONNREFUSED/) });
    await t.close();
  });
});
