/**
 * Peer QUIC captures: client UDP payloads extracted by tshark (independent of
 * our capture readers), fed to the tracker, compared with the peer MANIFEST
 * and with what tshark itself decrypts from the Initials.
 */
import { describe, expect, it } from 'vitest';
import { QuicInitialTracker, type QuicInitialInfo } from '../../../src/attribution/quic/initial-tracker.js';
import { parseInitialFrames } from '../../../src/attribution/quic/frames.js';
import { deriveInitialSecrets } from '../../../src/attribution/quic/initial-secrets.js';
import { parseLongHeader } from '../../../src/attribution/quic/long-header.js';
import { looksLikeQuicInitial } from '../../../src/attribution/quic/looks-like.js';
import { openInitialPacket } from '../../../src/attribution/quic/packet-protection.js';
import { parseClientHello } from '../../../src/attribution/tls/client-hello.js';
import { clientUdpPayloads, peerPcap, tsharkRows } from '../tls/support/tshark.js';

function firstHello(file: string): QuicInitialInfo {
  const tracker = new QuicInitialTracker();
  for (const datagram of clientUdpPayloads(peerPcap(file))) {
    const r = tracker.pushClientDatagram(datagram);
    if (r.status === 'found') return r.value;
    if (tracker.done) throw new Error(`gave up: ${JSON.stringify(r)}`);
  }
  throw new Error('no ClientHello found');
}

/** tshark's view of the first client Initial's ClientHello. */
function tsharkFirstHello(file: string): { sni: string; extensionTypes: number[]; version: string } {
  const rows = tsharkRows(
    peerPcap(file),
    ['tls.handshake.extensions_server_name', 'tls.handshake.extension.type', 'quic.version'],
    'tls.handshake.type == 1',
  );
  const r = rows[0]!;
  return { sni: r[0] ?? '', extensionTypes: r[1]!.split(',').map(Number), version: r[2]!.split(',')[0]! };
}

describe.each([
  ['quic-v1-sni__sv-quic-ietf.pcap', 'msquic.net', 'QUICv1', 0x00000001],
  ['quic-v1-sni__zeek-chromium-cirrus.pcap', 'api.cirrus-ci.com', 'QUICv1', 0x00000001],
  ['quic-draft29-sni__ndpi-quic-29.pcap', 'localhost', 'draft-29', 0xff00001d],
])('%s', (file, sni, version, versionNumber) => {
  it(`decrypts the client Initial to SNI ${sni} (MANIFEST quic_sni)`, () => {
    const hello = firstHello(file);
    expect(hello.clientHello.sni).toBe(sni);
    expect(hello.version).toBe(version);
    expect(hello.versionNumber).toBe(versionNumber);
  });

  it('agrees with tshark on the version, SNI and extension list', () => {
    const ours = firstHello(file);
    const theirs = tsharkFirstHello(file);
    expect(ours.clientHello.sni).toBe(theirs.sni);
    expect(ours.clientHello.extensionTypes).toEqual(theirs.extensionTypes);
    expect(ours.versionNumber).toBe(Number(theirs.version));
  });

  it('the first client datagram looks like a QUIC Initial', () => {
    expect(looksLikeQuicInitial(clientUdpPayloads(peerPcap(file))[0]!)).toBe(true);
  });
});

describe('quic-draft29-sni__ndpi-quic-29.pcap after the Retry', () => {
  // tshark: frames 1, 3, 5 are client Initials, frame 2 a Retry, frame 4 the server's
  // HelloRetryRequest. Frame 3 uses a new DCID (its keys come from it); frame 5 uses the
  // server's CID but still frame 3's keys (RFC 9001 5.2) and carries the second ClientHello
  // at CRYPTO offset 301 (tshark: quic.crypto.offset 301, length 268; SNI localhost).
  const datagrams = () => clientUdpPayloads(peerPcap('quic-draft29-sni__ndpi-quic-29.pcap'));

  it('reads the post-Retry Initial (frame 3) with its own DCID', () => {
    const r = new QuicInitialTracker().pushClientDatagram(datagrams()[1]!);
    expect(r.status === 'found' && r.value.clientHello.sni).toBe('localhost');
  });

  it('opens frame 5 with the keys of the post-Retry DCID and finds the second ClientHello', () => {
    const [, afterRetry, switched] = datagrams();
    const h3 = parseLongHeader(afterRetry!, 0);
    const h5 = parseLongHeader(switched!, 0);
    if (h3.status !== 'found' || h5.status !== 'found') throw new Error('headers');
    expect(Buffer.from(h5.value.dcid).equals(Buffer.from(h3.value.dcid))).toBe(false);
    const keys = deriveInitialSecrets(0xff00001d, h3.value.dcid)!.client;
    const opened = openInitialPacket(switched!, h5.value, keys);
    if (opened.status !== 'found') throw new Error(JSON.stringify(opened));
    const crypto = parseInitialFrames(opened.value.payload).crypto;
    expect(crypto.map((f) => [f.offset, f.data.length])).toEqual([[301, 268]]);
    const hello = parseClientHello(crypto[0]!.data);
    expect(hello.status === 'found' && hello.value.sni).toBe('localhost');
  });
});

describe('quic-v2-no-sni__sv-quic-v2.pcap', () => {
  const file = 'quic-v2-no-sni__sv-quic-v2.pcap';

  it('parses the v2 ClientHello: no server_name, the extension list from the MANIFEST notes', () => {
    const hello = firstHello(file);
    expect(hello.version).toBe('QUICv2');
    expect(hello.versionNumber).toBe(0x6b3343cf);
    expect(hello.clientHello.sni).toBeUndefined();
    expect(hello.clientHello.extensionTypes).toEqual([5, 10, 11, 13, 65281, 23, 16, 18, 43, 51, 57]);
    expect(hello.clientHello.version).toBe('TLS 1.3');
  });

  it('agrees with tshark on the extension list', () => {
    expect(firstHello(file).clientHello.extensionTypes).toEqual(tsharkFirstHello(file).extensionTypes);
  });
});
