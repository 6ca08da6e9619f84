/**
 * The RELP frame parser against frames written by librelp itself: rsyslog's
 * omrelp forwards a message to a small RELP server built on our parser. What
 * librelp sends (open with its offers, syslog, close) must parse, and librelp
 * must accept our answers (it sends the syslog command only after a good open
 * response, and resends on its own if our rsp were not understood).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../../src/delivery/transports/factory.js';
import { encodeRelpFrame, parseRelpOffers, RelpFrameParser, type RelpFrame } from '../../../src/delivery/transports/relp-frame.js';
import { parseDestination } from '../../../src/delivery/url.js';
import { startRsyslog, type RsyslogServer } from '../../support/rsyslog.js';

let relpServer: net.Server;
let relpPort: number;
const frames: RelpFrame[] = [];
const errors: string[] = [];
let rsyslog: RsyslogServer;

beforeAll(async () => {
  relpServer = net.createServer((socket) => {
    const parser = new RelpFrameParser();
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const { frames: got, error } = parser.push(chunk);
      if (error) errors.push(error);
      for (const frame of got) {
        frames.push(frame);
        if (frame.command === 'open') {
          socket.write(encodeRelpFrame(frame.txnr, 'rsp', '200 OK\nrelp_version=0\nrelp_software=groundwatch-test\ncommands=syslog'));
        } else if (frame.command === 'syslog') {
          socket.write(encodeRelpFrame(frame.txnr, 'rsp', '200 OK'));
        } else if (frame.command === 'close') {
          socket.write(encodeRelpFrame(frame.txnr, 'rsp'));
          socket.end();
        }
      }
    });
  });
  await new Promise<void>((resolve) => relpServer.listen(0, '127.0.0.1', resolve));
  relpPort = (relpServer.address() as net.AddressInfo).port;
  rsyslog = await startRsyslog({
    tcp: true,
    config: ({ dir, ports }) =>
      [
        `global(workDirectory="${dir}" maxMessageSize="64k")`,
        `module(load="imtcp")`,
        `module(load="omrelp")`,
        `ruleset(name="forward") { action(type="omrelp" target="127.0.0.1" port="${relpPort}" template="RSYSLOG_SyslogProtocol23Format") }`,
        `input(type="imtcp" address="127.0.0.1" port="${ports.tcp}" ruleset="forward")`,
        `action(type="omfile" file="${dir}/internal.log")`,
      ].join('\n'),
  });
});

afterAll(async () => {
  await rsyslog?.stop();
  await new Promise((resolve) => relpServer.close(resolve));
});

describe('RELP frames written by librelp (rsyslog omrelp)', () => {
  it('parse: open with relp_version and commands, then the syslog command carrying our message', async () => {
    const t = createTransport(parseDestination(`syslog+tcp://127.0.0.1:${rsyslog.ports.tcp}`, { settle_ms: 0, accept_grace_ms: 100 }));
    const message = { id: 'peer-1', kind: 'alert' as const, severity: 'high' as const, timestamp: '2026-12-01T03:00:00.000Z', json: '{"event":{"id":"peer-1"}}', summary: { alert_id: 'peer-1', dst: 'a]"b' } };
    expect(await t.send(message)).toEqual({ kind: 'acknowledged' });
    await t.close();
    const deadline = Date.now() + 15_000;
    while (!frames.some((f) => f.command === 'syslog') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([]);
    const open = frames.find((f) => f.command === 'open');
    expect(open?.txnr).toBe(1);
    const offers = parseRelpOffers(open!.data.toString('utf8'));
    expect(offers.get('relp_version')).toEqual(['0']);
    expect(offers.get('commands')).toContain('syslog');
    const syslog = frames.find((f) => f.command === 'syslog');
    expect(syslog!.txnr).toBeGreaterThan(1);
    expect(syslog!.data.toString('utf8')).toContain('[groundwatch@32473 alert_id="peer-1" dst="a\\]\\"b"]');
  });
});
