/**
 * Generates the benchmark capture: a realistic mix of sessions from a few
 * dozen tablets — DNS query and answer, TCP handshake, a TLS ClientHello
 * (post-quantum sized for a third of them, so it spans two segments), server
 * data with heavy-tailed sizes (2 to ~400 segments), client ACKs and FIN
 * teardown; some plain HTTP; some UDP noise — with
 * destinations in CN, HK (Chinese-operated), US and EU space.
 *
 * Deterministic (seeded), written as a classic pcap with a streaming writer.
 * Prints a JSON manifest of what it wrote, which the bench checks its runs against.
 *
 *   npx vite-node bench/generate.ts -- --packets 300000 --out bench/work/bench.pcap
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildClientHello, tlsRecords } from '../test/support/tls-client-hello-builder.js';
import { ACK, ETHERTYPE_IPV4, FIN, IPPROTO_TCP, IPPROTO_UDP, PSH, SYN, ascii, ethernet, ipv4, tcp, udp } from '../test/support/packet-builder.js';
import dnsPacket from 'dns-packet';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const targetPackets = Number(arg('packets', '300000'));
const out = arg('out', 'bench/work/bench.pcap');
/** Every session from its own client address: no alert is folded into an earlier one (crash-safety tests). */
const uniqueClients = args.includes('--unique-clients');

/** Destinations: [address, name]; countries and operators come from the embedded GeoIP data at replay time. */
const DESTINATIONS: [string, string][] = [
  ['120.24.10.20', 'flysafe-api.dji.com'], // CN, Alibaba
  ['47.91.161.230', 'statistical-report.djiservice.org'], // Alibaba (AS45102), outside CN
  ['119.29.29.29', 'android.bugly.qq.com'], // Tencent
  ['8.8.8.8', 'dns.google'],
  ['104.16.125.34', 'www.example-cdn.com'],
  ['151.101.36.133', 'raw.githubusercontent.com'],
  ['185.15.59.224', 'upload.wikimedia.org'],
  ['142.250.201.205', 'accounts.google.com'],
  ['52.28.10.11', 'api.mapbox.com'],
  ['13.107.42.14', 'login.microsoftonline.com'],
];

let seed = 0x2545f491;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x1_0000_0000;
};

mkdirSync(dirname(out), { recursive: true });
const fd = openSync(out, 'w');
const header = Buffer.alloc(24);
header.writeUInt32LE(0xa1b2c3d4, 0);
header.writeUInt16LE(2, 4);
header.writeUInt16LE(4, 6);
header.writeUInt32LE(262144, 16);
header.writeUInt32LE(1, 20);
writeSync(fd, header);

let pending: Buffer[] = [];
let pendingBytes = 0;
let packets = 0;
let usec = 0;
const t0 = 1_767_225_600; // 2026-01-01T00:00:00Z

function emit(frame: Uint8Array): void {
  usec += 3 + Math.floor(rand() * 20);
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(t0 + Math.floor(usec / 1e6), 0);
  rec.writeUInt32LE(usec % 1e6, 4);
  rec.writeUInt32LE(frame.length, 8);
  rec.writeUInt32LE(frame.length, 12);
  pending.push(rec, Buffer.from(frame));
  pendingBytes += 16 + frame.length;
  packets++;
  if (pendingBytes > 4 << 20) flush();
}

function flush(): void {
  writeSync(fd, Buffer.concat(pending));
  pending = [];
  pendingBytes = 0;
}

const eth = (ip: Uint8Array) => ethernet(ip, { etherType: ETHERTYPE_IPV4, src: '02:00:00:00:00:01', dst: '02:00:00:00:00:fe' });

function tcpPacket(src: string, dst: string, sp: number, dp: number, flags: number, seq: number, ack: number, payload: Uint8Array = new Uint8Array(0)) {
  emit(eth(ipv4(tcp({ src, dst }, { srcPort: sp, dstPort: dp, flags, seq, ack }, payload), { src, dst, protocol: IPPROTO_TCP })));
}

function dnsExchange(client: string, port: number, name: string, address: string, id: number): void {
  const q = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const a = dnsPacket.encode({ type: 'response', id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: [{ type: 'A', name }], answers: [{ type: 'A', name, ttl: 300, data: address }] });
  const resolver = '10.0.0.1';
  emit(eth(ipv4(udp({ src: client, dst: resolver }, { srcPort: port, dstPort: 53 }, q), { src: client, dst: resolver, protocol: IPPROTO_UDP })));
  emit(eth(ipv4(udp({ src: resolver, dst: client }, { srcPort: 53, dstPort: port }, a), { src: resolver, dst: client, protocol: IPPROTO_UDP })));
}

const serverChunk = new Uint8Array(1200).fill(0x17);
const helloCache = new Map<string, Uint8Array[]>();
function helloSegments(name: string, big: boolean): Uint8Array[] {
  const key = `${name}|${big}`;
  let segs = helloCache.get(key);
  if (!segs) {
    const records = tlsRecords(buildClientHello({ sni: name, alpn: ['h2', 'http/1.1'], keyShareBytes: big ? 1216 : 32 }));
    segs = [];
    for (let i = 0; i < records.length; i += 1400) segs.push(records.subarray(i, i + 1400));
    helloCache.set(key, segs);
  }
  return segs;
}

const expected = { sessions: 0, tlsNamed: 0, httpNamed: 0, dnsAnswers: 0, udpNoise: 0 };
let session = 0;
while (packets < targetPackets) {
  session++;
  const client = uniqueClients ? `10.${(session >> 16) & 255}.${(session >> 8) & 255}.${session & 255}` : `10.0.${1 + (session % 40)}.${10 + (session % 200)}`;
  const sport = 20000 + (session % 40000);
  const [dst, name] = DESTINATIONS[Math.floor(rand() * DESTINATIONS.length)]!;
  dnsExchange(client, sport, name, dst, session & 0xffff);
  expected.dnsAnswers++;
  const http = rand() < 0.1;
  const dport = http ? 80 : 443;
  let cseq = Math.floor(rand() * 0xfffffff);
  let sseq = Math.floor(rand() * 0xfffffff);
  tcpPacket(client, dst, sport, dport, SYN, cseq, 0);
  tcpPacket(dst, client, dport, sport, SYN | ACK, sseq, cseq + 1);
  cseq++;
  sseq++;
  tcpPacket(client, dst, sport, dport, ACK, cseq, sseq);
  const request: Uint8Array[] = http ? [ascii(`GET /tiles/1/2/3.png HTTP/1.1\r\nHost: ${name}\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n`)] : helloSegments(name, rand() < 0.33);
  for (const seg of request) {
    tcpPacket(client, dst, sport, dport, PSH | ACK, cseq, sseq, seg);
    cseq += seg.length;
  }
  if (http) expected.httpNamed++;
  else expected.tlsNamed++;
  // Heavy-tailed transfer sizes (map tiles, thumbnails, log uploads): median ~30 data packets, some hundreds.
  const responses = 2 + Math.floor(Math.exp(rand() * 6));
  for (let i = 0; i < responses; i++) {
    tcpPacket(dst, client, dport, sport, PSH | ACK, sseq, cseq, serverChunk);
    sseq += serverChunk.length;
    if (i % 2 === 1) tcpPacket(client, dst, sport, dport, ACK, cseq, sseq);
  }
  tcpPacket(client, dst, sport, dport, FIN | ACK, cseq, sseq);
  tcpPacket(dst, client, dport, sport, FIN | ACK, sseq, cseq + 1);
  tcpPacket(client, dst, sport, dport, ACK, cseq + 1, sseq + 1);
  if (rand() < 0.2) {
    emit(eth(ipv4(udp({ src: client, dst: '10.0.0.255' }, { srcPort: 5000, dstPort: 5000 }, new Uint8Array(64)), { src: client, dst: '10.0.0.255', protocol: IPPROTO_UDP })));
    expected.udpNoise++;
  }
  expected.sessions++;
}
flush();
closeSync(fd);
process.stdout.write(`${JSON.stringify({ file: out, packets, ...expected })}\n`);
