/**
 * `monitor` started while a connection is already transferring (issue 11
 * part 1): a client in one namespace downloads slowly from a stand-in server at
 * a Chinese address (120.55.9.120, Alibaba Hangzhou, as in the recorded
 * session) in another; the monitor starts after the handshake, so the first
 * packet it sees is mostly the server's. Oracles: tcpdump records the whole
 * connection from before it opens, tshark says which side sent the SYN, and
 * `replay` of that recording gives the alerts the whole connection raises.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayFiles } from '../support/replay-harness.js';
import { tsharkFieldRows } from '../support/tshark.js';
import { CLIENT_IF, CLIENT_IP, NetnsPair } from './netns-pair.js';
import { sleep, type MonitorProcess } from './netns.js';

const SERVER_IP = '120.55.9.120';
const SERVER_PORT = 8883;

/** Sends 1000 bytes every 200 ms to whoever connects: a telemetry/MQTT-like long-lived stream. */
const SERVER = `
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('${SERVER_IP}', ${SERVER_PORT})); s.listen(1)
print('listening', flush=True)
c, _ = s.accept()
try:
    while True:
        c.sendall(b'x' * 1000); time.sleep(0.2)
except OSError:
    pass
`;

/** Reads and acknowledges at once (quick ACK), so the server's segments lead on the wire. */
const CLIENT = `
import socket
c = socket.create_connection(('${SERVER_IP}', ${SERVER_PORT}))
print('connected', c.getsockname()[1], flush=True)
while c.recv(65536):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
`;

type Rec = Record<string, any>;
const ofDataset = (recs: Rec[], ds: string) => recs.filter((r) => r.event?.dataset === ds);
const toServer = (r: Rec) => r.destination?.ip === SERVER_IP && r.destination?.port === SERVER_PORT;

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

describe('monitor started while a connection is already transferring', () => {
  it('alerts like the whole connection, with the device as source', async () => {
    const pair = new NetnsPair(SERVER_IP);
    cleanup.push(() => pair.delete());
    const full = join(mkdtempSync(join(tmpdir(), 'gw-midstream-')), 'whole-connection.pcap');
    const tcpdump = pair.spawn(pair.client, ['tcpdump', '-n', '-U', '-i', CLIENT_IF, '-w', full, 'tcp', 'port', String(SERVER_PORT)]);
    await tcpdump.waitFor(/listening on/);
    const server = pair.spawn(pair.server, ['python3', '-c', SERVER]);
    await server.waitFor(/listening/);
    const client = pair.spawn(pair.client, ['python3', '-c', CLIENT]);
    const clientPort = Number((await client.waitFor(/connected (\d+)/))[1]);
    await sleep(1000);

    // Two monitors from the same moment: without devices (ports decide) and with the tablet configured (the device list decides).
    const startedAt = Date.now() / 1000;
    const monitors: [string, MonitorProcess][] = [
      ['port', pair.monitor(['--no-db', '--format', 'ndjson', '--events', 'all'])],
      ['device', pair.monitor(['--no-db', '--format', 'ndjson', '--events', 'all', '--device', CLIENT_IP])],
    ];
    for (const [, m] of monitors) await m.waitForStderr(new RegExp(`monitoring ${CLIENT_IF}`));
    await sleep(3000);
    // Alerts are raised while the connection still runs (the name wait is 1 s), not only at shutdown.
    const liveAlerts = monitors.map(([, m]) => ofDataset(m.records(), 'groundwatch.alert').filter(toServer));
    for (const [, m] of monitors) expect((await m.stop()).code).toBe(0);
    await client.stop();
    await server.stop();
    await tcpdump.stop('SIGINT');

    // tshark: the tablet sent the SYN, before either monitor started.
    const syn = tsharkFieldRows(full, ['frame.time_epoch', 'ip.src', 'tcp.srcport'], { filter: 'tcp.flags.syn==1 && tcp.flags.ack==0' });
    expect(syn.map((r) => [r[1], Number(r[2])])).toEqual([[CLIENT_IP, clientPort]]);
    expect(Number(syn[0]![0])).toBeLessThan(startedAt);

    const whole = await replayFiles([full]);
    const wholeRules = whole.alerts.filter(toServer).map((a) => a.rule.id).sort();
    expect(wholeRules.length).toBeGreaterThan(0);
    for (const [i, [orientation, m]] of monitors.entries()) {
      expect(liveAlerts[i]!.length, `${orientation}: alerts before shutdown`).toBeGreaterThan(0);
      const alerts = ofDataset(m.records(), 'groundwatch.alert').filter(toServer);
      expect(alerts.map((a) => a.rule.id).sort(), orientation).toEqual(wholeRules);
      for (const a of alerts) {
        expect(a.source).toMatchObject({ ip: CLIENT_IP, port: clientPort });
        expect(a.groundwatch.flow).toMatchObject({ start_seen: false, orientation });
      }
      const flows = ofDataset(m.records(), 'groundwatch.flow').filter(toServer);
      expect(flows).toHaveLength(1);
      expect(flows[0]!.source).toMatchObject({ ip: CLIENT_IP, port: clientPort });
      expect(flows[0]!.groundwatch.flow).toMatchObject({ start_seen: false, orientation });
      // The server sent the bulk: most bytes are counted towards the client (the flow's destination side sends them).
      expect(flows[0]!.destination.bytes).toBeGreaterThan(flows[0]!.source.bytes);
    }
  }, 60_000);
});
