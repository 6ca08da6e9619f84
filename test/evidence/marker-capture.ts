/**
 * A small capture whose application data carries a marker string: a TLS flow
 * (ClientHello naming www.dji.com, then application-data records holding the
 * marker both ways) and a plain HTTP flow (Host upload.djiservice.org, the marker in the
 * request body, in a second client segment and in the response body). Both
 * destinations are DJI names, so the shipped rules alert on both flows.
 */
import { buildClientHello, tlsRecords, u8, u16, vec16, concatBytes } from '../support/tls-client-hello-builder.js';
import { ACK, ascii, ethernetIp, FIN, LINKTYPE_ETHERNET, pcapFile, PSH, SYN, tcpPacket, type CaptureFrame } from '../support/packet-builder.js';

export const MARKER = 'GW-PAYLOAD-MARKER-7f3a9c';
export const TLS_NAME = 'www.dji.com';
export const CLIENT = '192.168.2.20';
export const TLS_SERVER = '47.88.1.10';
export const HTTP_SERVER = '47.88.1.11';
export const HTTP_NAME = 'upload.djiservice.org';

interface Side { ip: string; port: number; seq: number }

/** One TCP conversation: handshake, the given payloads in order, FIN both ways. */
function conversation(client: Side, server: Side, payloads: { from: 'client' | 'server'; data: Uint8Array }[], t0: number): CaptureFrame[] {
  const frames: CaptureFrame[] = [];
  let t = t0;
  const push = (from: Side, to: Side, flags: number, data?: Uint8Array) => {
    const ip = tcpPacket({ src: from.ip, dst: to.ip }, { srcPort: from.port, dstPort: to.port, seq: from.seq, ack: to.seq, flags }, data);
    frames.push({ tsSec: 1_780_000_000, tsNsec: t * 1000, data: ethernetIp(ip) });
    from.seq += (data?.length ?? 0) + (flags & (SYN | FIN) ? 1 : 0);
    t += 10;
  };
  push(client, server, SYN);
  push(server, client, SYN | ACK);
  push(client, server, ACK);
  for (const p of payloads) {
    const [from, to] = p.from === 'client' ? [client, server] : [server, client];
    push(from, to, PSH | ACK, p.data);
    push(to, from, ACK);
  }
  push(client, server, FIN | ACK);
  push(server, client, FIN | ACK);
  push(client, server, ACK);
  return frames;
}

function applicationData(text: string): Uint8Array {
  return concatBytes(u8(23), u16(0x0303), vec16(ascii(text)));
}

export function markerCapture(): Uint8Array {
  const hello = tlsRecords(buildClientHello({ sni: TLS_NAME }));
  const serverHello = concatBytes(u8(22), u16(0x0303), vec16(concatBytes(u8(2), ascii('\u0000\u0000\u0004abcd'))));
  const tls = conversation({ ip: CLIENT, port: 50_000, seq: 1000 }, { ip: TLS_SERVER, port: 443, seq: 5000 }, [
    { from: 'client', data: hello },
    { from: 'server', data: serverHello },
    { from: 'client', data: applicationData(`secret position 59.9N 10.7E ${MARKER}`) },
    { from: 'server', data: applicationData(`account officer-17 ${MARKER}`) },
  ], 0);
  const http = conversation({ ip: CLIENT, port: 50_001, seq: 2000 }, { ip: HTTP_SERVER, port: 80, seq: 9000 }, [
    { from: 'client', data: ascii(`POST /upload HTTP/1.1\r\nHost: ${HTTP_NAME}\r\nContent-Length: 60\r\n\r\nlat=59.9&lon=10.7&user=officer-17&tag=${MARKER}`) },
    { from: 'client', data: ascii(`more=${MARKER}`) },
    { from: 'server', data: ascii(`HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\nok ${MARKER}`) },
  ], 100_000);
  return pcapFile(LINKTYPE_ETHERNET, [...tls, ...http]);
}
