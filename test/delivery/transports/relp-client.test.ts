/**
 * The RELP client against a scripted server (a Node TCP server writing
 * hand-written RELP bytes): acknowledgement only on rsp 200, rsp 500,
 * serverclose, the window, a silent server, a garbage-speaking server.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RelpFrameParser, type RelpFrame } from '../../../src/delivery/transports/relp-frame.js';
import { RelpTransport } from '../../../src/delivery/transports/relp.js';
import type { RelpDestination } from '../../../src/delivery/destination.js';
import type { OutgoingMessage } from '../../../src/delivery/transport.js';
import { parseDestination } from '../../../src/delivery/url.js';

const OPEN_OK = '200 OK\nrelp_version=0\nrelp_software=scripted\ncommands=syslog';

interface Script {
  /** Called for every frame the client sends after open; write answers with `reply`. */
  onCommand(frame: RelpFrame, reply: (text: string) => void, socket: net.Socket): void;
}

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

async function scriptedServer(script: Script): Promise<{ port: number; received: RelpFrame[]; connections: () => number }> {
  const received: RelpFrame[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    const parser = new RelpFrameParser();
    const reply = (text: string): void => void socket.write(text);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of parser.push(chunk).frames) {
        received.push(frame);
        if (frame.command === 'open') reply(`${frame.txnr} rsp ${Buffer.byteLength(OPEN_OK)} ${OPEN_OK}\n`);
        else if (frame.command === 'close') reply(`${frame.txnr} rsp 0\n`);
        else script.onCommand(frame, reply, socket);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, received, connections: () => connections };
}

function relp(port: number, options: Record<string, string> = {}): RelpTransport {
  return new RelpTransport(parseDestination(`relp://127.0.0.1:${port}`, options) as RelpDestination);
}

function message(id: string): OutgoingMessage {
  return { id, kind: 'alert', severity: 'high', timestamp: '2026-12-01T03:00:00.000Z', json: `{"id":"${id}"}`, summary: { alert_id: id } };
}

const ok = (frame: RelpFrame, reply: (t: string) => void): void => reply(`${frame.txnr} rsp 6 200 OK\n`);

describe('RELP client', () => {
  it('sends open with relp_version and commands=syslog, then one syslog command per message; acknowledged on rsp 200', async () => {
    const server = await scriptedServer({ onCommand: ok });
    const t = relp(server.port);
    expect(await t.send(message('m1'))).toEqual({ kind: 'acknowledged' });
    expect(await t.send(message('m2'))).toEqual({ kind: 'acknowledged' });
    await t.close();
    const [open, s1, s2, close] = server.received;
    expect(open).toMatchObject({ txnr: 1, command: 'open' });
    expect(open!.data.toString()).toMatch(/^relp_version=0\n.*\ncommands=syslog$/s);
    expect(s1).toMatchObject({ txnr: 2, command: 'syslog' });
    expect(s1!.data.toString()).toMatch(/^<131>1 2026-12-01T03:00:00.000Z \S+ groundwatch \d+ alert \[groundwatch@32473 alert_id="m1"\] \{"id":"m1"\}$/);
    expect(s2).toMatchObject({ txnr: 3, command: 'syslog' });
    expect(close).toMatchObject({ txnr: 4, command: 'close', data: Buffer.alloc(0) });
    expect(server.connections()).toBe(1);
  });

  it('is not acknowledged before the rsp 200 arrives', async () => {
    let release: (() => void) | undefined;
    const server = await scriptedServer({ onCommand: (frame, reply) => (release = () => ok(frame, reply)) });
    const t = relp(server.port);
    let settled = false;
    const sent = t.send(message('m1')).then((o) => ((settled = true), o));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    release!();
    expect(await sent).toEqual({ kind: 'acknowledged' });
    await t.close();
  });

  it('rsp 500 is a retry with the server\'s reason; the session goes on', async () => {
    let n = 0;
    const server = await scriptedServer({
      onCommand: (frame, reply) => (frame.command === 'syslog' && n++ === 0 ? reply(`${frame.txnr} rsp 14 500 queue full\n`) : ok(frame, reply)),
    });
    const t = relp(server.port);
    expect(await t.send(message('m1'))).toEqual({ kind: 'retry', reason: 'RELP rsp 500 queue full' });
    expect(await t.send(message('m1'))).toEqual({ kind: 'acknowledged' });
    await t.close();
    expect(server.connections()).toBe(1);
  });

  it('serverclose: the unanswered command is a retry, the next send opens a new session', async () => {
    let n = 0;
    const server = await scriptedServer({
      onCommand: (frame, reply, socket) => {
        if (n++ === 0) {
          reply('0 serverclose 0\n');
          socket.end();
        } else ok(frame, reply);
      },
    });
    const t = relp(server.port);
    expect(await t.send(message('m1'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/serverclose/) });
    expect(await t.send(message('m1'))).toEqual({ kind: 'acknowledged' });
    await t.close();
    expect(server.connections()).toBe(2);
  });

  it('keeps at most `window` commands unanswered', async () => {
    const held: Array<() => void> = [];
    const server = await scriptedServer({ onCommand: (frame, reply) => held.push(() => ok(frame, reply)) });
    const t = relp(server.port, { window: '2' });
    const sends = [t.send(message('a')), t.send(message('b')), t.send(message('c'))];
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.received.filter((f) => f.command === 'syslog')).toHaveLength(2);
    held.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.received.filter((f) => f.command === 'syslog')).toHaveLength(3);
    for (const release of held.splice(0)) release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    held.shift()?.();
    expect(await Promise.all(sends)).toEqual([{ kind: 'acknowledged' }, { kind: 'acknowledged' }, { kind: 'acknowledged' }]);
    await t.close();
  });

  it('a server that never answers is cut by the timeout', async () => {
    const server = await scriptedServer({ onCommand: () => undefined });
    const t = relp(server.port, { timeout_ms: '300' });
    const started = Date.now();
    expect(await t.send(message('m1'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/no RELP rsp to syslog 2 within 300 ms/) });
    expect(Date.now() - started).toBeLessThan(3000);
    await t.close();
  });

  it('garbage from the server ends the session (counted), never a crash', async () => {
    const server = await scriptedServer({ onCommand: (_frame, reply) => reply('2 rsp 6 200 OK and then some\n') });
    const t = relp(server.port);
    expect(await t.send(message('m1'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/malformed RELP frame/) });
    expect(t.stats.malformedFrames).toBe(1);
    await t.close();
  });

  it('a rsp for a txnr never sent ends the session', async () => {
    const server = await scriptedServer({ onCommand: (_frame, reply) => reply('77 rsp 6 200 OK\n') });
    const t = relp(server.port);
    expect(await t.send(message('m1'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/unexpected RELP frame.*77 rsp/) });
    await t.close();
  });

  it('an open refused or without the syslog command is a retry', async () => {
    const server = net.createServer((socket) => {
      socket.on('data', () => socket.write('1 rsp 31 200 OK\nrelp_version=0\ncommands=\n'));
      socket.on('error', () => undefined);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const t = relp((server.address() as net.AddressInfo).port);
    expect(await t.send(message('m1'))).toMatchObject({ kind: 'retry', reason: 'server does not accept the syslog command' });
    await t.close();
  });

  it('nobody listening is a retry', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const t = relp(port);
    expect(await t.send(message('m1'))).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/ECONNREFUSED/) });
    await t.close();
  });
});
