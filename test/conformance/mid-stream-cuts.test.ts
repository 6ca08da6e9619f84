/**
 * Connections picked up mid-stream (issue 11 part 1): real connections of the
 * recorded session (fixtures/session-dji-mixed.pcapng) cut with editcap at
 * several points, so the capture starts inside them. Each cut must alert
 * exactly as the whole capture does (same rule ids on the same device and
 * destination). The oracles: the replay of the whole capture, and tshark's view
 * of which side sent the SYN (the client) and of the packets and bytes each side
 * sent in the cut capture.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord, FlowRecord } from '../../src/records/ecs.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { replayFiles, type Replayed } from '../support/replay-harness.js';
import { tsharkFieldRows } from '../support/tshark.js';

const FULL = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
const FIELDS = ['frame.number', 'ip.src', 'tcp.srcport', 'ip.dst', 'tcp.dstport', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.len', 'ip.len'];

interface Frame {
  n: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  tcpLen: number;
  ipLen: number;
}

function tcpFrames(file: string, filter: string): Frame[] {
  return tsharkFieldRows(file, FIELDS, { filter }).map(([n, src, sport, dst, dport, syn, ack, fin, tcpLen, ipLen]) => ({
    n: Number(n), src: src!, sport: Number(sport), dst: dst!, dport: Number(dport),
    syn: syn === '1' || syn === 'True', ack: ack === '1' || ack === 'True', fin: fin === '1' || fin === 'True',
    tcpLen: Number(tcpLen), ipLen: Number(ipLen),
  }));
}

/** A connection of the session, by its server; tshark tells the rest. */
const CONNECTIONS = [
  { server: '116.62.17.40', port: 443, what: 'TLS to mydjiflight.dji.com (name from the earlier DNS answer once the ClientHello is cut)' },
  { server: '47.91.161.230', port: 443, what: 'TLS to statistical-report.djiservice.org (the server sends the first FIN)' },
  { server: '183.61.5.23', port: 80, what: 'plain HTTP to upgrade.dj2006.net' },
  { server: '203.107.1.1', port: 80, what: 'HTTPDNS by address literal (no name: judged on address, ASN and operator only)' },
];

type CutPoint = 'syn_ack_first' | 'after_handshake' | 'server_bulk' | 'fin_only';

/** The frames of the connection dropped to make the cut; the rest of the capture is kept. */
function framesToDrop(frames: Frame[], client: string, cut: CutPoint): number[] {
  let firstKept: number;
  if (cut === 'syn_ack_first') firstKept = 1;
  else if (cut === 'after_handshake') {
    // SYN, SYN-ACK, ACK: checked, so the cut is what its name says.
    expect(frames.slice(0, 3).map((f) => [f.syn, f.ack, f.tcpLen])).toEqual([[true, false, 0], [true, true, 0], [false, true, 0]]);
    firstKept = 3;
  } else if (cut === 'server_bulk') {
    const fromServer = frames.filter((f) => `${f.src}:${f.sport}` !== client);
    const biggest = Math.max(...fromServer.map((f) => f.tcpLen));
    firstKept = frames.findIndex((f) => `${f.src}:${f.sport}` !== client && f.tcpLen === biggest);
  } else firstKept = frames.findIndex((f) => f.fin);
  return frames.slice(0, firstKept).map((f) => f.n);
}

function editcapDrop(frames: number[], out: string): string {
  execFileSync('editcap', [FULL, out, ...frames.map(String)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

const alertKey = (a: AlertRecord) => [a.rule.id, a.source?.ip, a.source?.port, a.destination?.ip, a.destination?.port, a.network?.transport].join('|');
const keys = (alerts: AlertRecord[]) => [...new Set(alerts.map(alertKey))].sort();

let whole: Replayed;
let wholeWithDevice: Replayed;
let dir: string;

beforeAll(async () => {
  whole = await replayFiles([FULL]);
  wholeWithDevice = await replayFiles([FULL], { devices: ['192.168.2.20'] });
  dir = mkdtempSync(join(tmpdir(), 'gw-cuts-'));
});

describe('connections cut mid-stream alert like the whole connection', () => {
  for (const c of CONNECTIONS) {
    describe(c.what, () => {
      let all: Frame[];
      let clientEnd: string;
      beforeAll(() => {
        all = tcpFrames(FULL, `ip.addr==${c.server} && tcp.port==${c.port}`);
        // tshark: the sender of the SYN without ACK is the client.
        const syn = all.filter((f) => f.syn && !f.ack);
        expect(syn).toHaveLength(1);
        clientEnd = `${syn[0]!.src}:${syn[0]!.sport}`;
      });

      for (const cut of ['syn_ack_first', 'after_handshake', 'server_bulk', 'fin_only'] as const) {
        const variants = cut === 'server_bulk' || cut === 'fin_only' ? [[], ['192.168.2.20']] : [[]];
        for (const devices of variants) {
          it(`cut at ${cut}${devices.length ? ' with --device 192.168.2.20' : ''}`, async () => {
            const [clientIp, clientPort] = [clientEnd.slice(0, clientEnd.lastIndexOf(':')), Number(clientEnd.slice(clientEnd.lastIndexOf(':') + 1))];
            const dropped = framesToDrop(all, clientEnd, cut);
            const file = editcapDrop(dropped, join(dir, `${c.server}-${cut}-${devices.length}.pcapng`));
            const kept = tcpFrames(file, `ip.addr==${c.server} && tcp.port==${c.port}`);
            expect(kept).toHaveLength(all.length - dropped.length);
            if (cut === 'server_bulk' || cut === 'syn_ack_first') expect(`${kept[0]!.src}:${kept[0]!.sport}`, 'first kept packet comes from the server').not.toBe(clientEnd);

            const run = await replayFiles([file], devices.length ? { devices } : {});
            const oracle = devices.length ? wholeWithDevice : whole;
            expect(keys(oracle.alerts).length).toBeGreaterThan(0);
            expect(keys(run.alerts)).toEqual(keys(oracle.alerts));
            const mine = (r: Replayed) => r.alerts.filter((a) => a.destination?.ip === c.server && a.destination?.port === c.port);
            expect(mine(run).length).toBeGreaterThan(0);
            for (const a of mine(run)) expect(a.source).toMatchObject({ ip: clientIp, port: clientPort });

            const flow = run.flows.find((f) => f.destination?.ip === c.server && f.destination?.port === c.port) as FlowRecord;
            expect(flow.source).toMatchObject({ ip: clientIp, port: clientPort });
            const orientation = cut === 'syn_ack_first' ? 'syn' : devices.length ? 'device' : 'port';
            expect(flow.groundwatch.flow).toMatchObject({ start_seen: false, orientation });
            for (const a of mine(run)) expect(a.groundwatch.flow).toMatchObject({ start_seen: false, orientation });
            // Direction counters follow the decided orientation: tshark's per-side sums of the kept frames.
            const sent = (fromClient: boolean) => kept.filter((f) => (`${f.src}:${f.sport}` === clientEnd) === fromClient);
            expect(flow.source).toMatchObject({ packets: sent(true).length, bytes: sent(true).reduce((s, f) => s + f.ipLen, 0) });
            expect(flow.destination).toMatchObject({ packets: sent(false).length, bytes: sent(false).reduce((s, f) => s + f.ipLen, 0) });
            // Exactly one connection of the capture was cut; every other flow's start was seen.
            expect((run.stats.groundwatch.stats as Record<string, any>).flows.start_not_seen).toEqual({ [orientation]: 1 });
            expect((oracle.stats.groundwatch.stats as Record<string, any>).flows.start_not_seen).toEqual({});
            if (cut === 'fin_only') expect(flow.groundwatch.flow.end_reason).toBe('fin');
            // The name: the whole connection's, learned from the earlier DNS answer once the handshake is gone.
            const wholeFlow = oracle.flows.find((f) => f.destination?.ip === c.server && f.destination?.port === c.port)!;
            expect(flow.destination?.domain).toBe(wholeFlow.destination?.domain);
            if (wholeFlow.destination?.domain && (cut === 'server_bulk' || cut === 'fin_only')) expect(flow.groundwatch.name.source).toBe('dns');
          });
        }
      }
    });
  }
});

describe('a UDP DNS exchange whose query was not captured', () => {
  it('the answer alone still gives the flow alerts, with the device as source', async () => {
    const rows = tsharkFieldRows(FULL, ['frame.number', 'ip.src', 'udp.srcport', 'dns.flags.response'], { filter: 'ip.addr==114.114.114.114 && udp.port==53' });
    const query = rows.filter((r) => r[3] === '0' || r[3] === 'False');
    expect(query).toHaveLength(1);
    const [frame, clientIp, clientPort] = query[0]!;
    const file = editcapDrop([Number(frame)], join(dir, 'dns-answer-only.pcapng'));
    const run = await replayFiles([file]);
    const flowAlerts = (r: Replayed) => r.alerts.filter((a) => a.destination?.ip === '114.114.114.114' && a.groundwatch.trigger !== 'dns_query');
    expect(flowAlerts(whole).length).toBeGreaterThan(0);
    // The query alert (china.dns-query.*) needs the query, which was cut; every flow alert stays.
    expect(keys(flowAlerts(run))).toEqual(keys(flowAlerts(whole)));
    for (const a of flowAlerts(run)) expect(a.source).toMatchObject({ ip: clientIp, port: Number(clientPort) });
    const flow = run.flows.find((f) => f.destination?.ip === '114.114.114.114')!;
    expect(flow.groundwatch.flow).toMatchObject({ start_seen: false, orientation: 'port' });
    // The run summary a user reads says so too.
    const cli = runCli(['replay', file, '--no-db', '--format', 'text', '--fail-on', 'never']);
    expect(cli.stdout).toMatch(/^ {2}flows .*, 1 start not seen \(port 1\)$/m);
    expect(runCli(['replay', FULL, '--no-db', '--format', 'text', '--fail-on', 'never']).stdout).not.toMatch(/start not seen/);
  });
});
