import { describe, expect, it } from 'vitest';
import { TlsClientHelloAssembler, looksLikeTls } from '../../../src/attribution/tls/record-assembler.js';
import { Counters } from '../../../src/counters.js';
import {
  buildClientHello,
  concatBytes,
  segments,
  tlsRecords,
  tlsRecordsCount,
} from '../../support/tls-client-hello-builder.js';

function feed(assembler: TlsClientHelloAssembler, parts: Uint8Array[]) {
  const statuses = parts.map((p) => assembler.push(p).status);
  return { statuses, last: assembler.push(new Uint8Array(0)) };
}

describe('TlsClientHelloAssembler', () => {
  const hello = buildClientHello({ sni: 'split.example', alpn: ['h2'] });

  it('finds the ClientHello in one record in one segment', () => {
    const r = new TlsClientHelloAssembler().push(tlsRecords(hello));
    expect(r.status === 'found' && r.value.sni).toBe('split.example');
  });

  it('reassembles a ClientHello delivered one byte per segment', () => {
    const a = new TlsClientHelloAssembler();
    const { statuses, last } = feed(a, segments(tlsRecords(hello), 1));
    expect(statuses.slice(0, -1).every((s) => s === 'need_more')).toBe(true);
    expect(statuses.at(-1)).toBe('found');
    expect(last.status === 'found' && last.value.alpn).toEqual(['h2']);
    expect(a.done).toBe(true);
  });

  it('reassembles a ClientHello fragmented over 3 TLS records, split across segments', () => {
    const stream = tlsRecordsCount(hello, 3);
    expect(stream.length).toBe(hello.length + 3 * 5);
    const { statuses, last } = feed(new TlsClientHelloAssembler(), segments(stream, 7));
    expect(statuses.at(-1)).toBe('found');
    expect(last.status === 'found' && last.value.sni).toBe('split.example');
  });

  it('handles a post-quantum-sized key_share that spans several 536-byte (minimum MSS) segments', () => {
    const big = buildClientHello({ sni: 'pq.example', keyShareBytes: 1216, grease: true });
    expect(big.length).toBeGreaterThan(1216 + 32);
    const parts = segments(tlsRecords(big), 536);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const { statuses, last } = feed(new TlsClientHelloAssembler(), parts);
    expect(statuses).toEqual([...parts.slice(1).map(() => 'need_more'), 'found']);
    expect(last.status === 'found' && last.value.sni).toBe('pq.example');
  });

  it('ignores what follows the ClientHello (a ChangeCipherSpec record in the same segment)', () => {
    const ccs = Uint8Array.of(20, 3, 3, 0, 1, 1);
    const r = new TlsClientHelloAssembler().push(concatBytes(tlsRecords(hello), ccs));
    expect(r.status).toBe('found');
  });

  it('rejects a stream that does not start with a handshake record', () => {
    expect(new TlsClientHelloAssembler().push(new TextEncoder().encode('GET / HTTP/1.1\r\n'))).toEqual({
      status: 'invalid',
      reason: 'not_tls',
    });
    expect(new TlsClientHelloAssembler().push(Uint8Array.of(23, 3, 3, 0, 1, 0))).toEqual({
      status: 'invalid',
      reason: 'not_tls',
    });
  });

  it('rejects an application-data record before the ClientHello is complete', () => {
    const stream = tlsRecordsCount(hello, 2);
    const firstRecordLen = 5 + Math.ceil(hello.length / 2);
    const tampered = concatBytes(stream.subarray(0, firstRecordLen), Uint8Array.of(23, 3, 3, 0, 2, 0, 0));
    expect(new TlsClientHelloAssembler().push(tampered)).toEqual({ status: 'invalid', reason: 'unexpected_record' });
  });

  it('rejects a handshake that is not a ClientHello', () => {
    const serverHello = Uint8Array.of(22, 3, 3, 0, 4, 2, 0, 0, 0);
    expect(new TlsClientHelloAssembler().push(serverHello)).toEqual({ status: 'invalid', reason: 'not_client_hello' });
  });

  it('gives up and counts anomaly.tls.too_large past the byte bound', () => {
    const counters = new Counters();
    const a = new TlsClientHelloAssembler({ maxBytes: 512, counters });
    const r = a.push(tlsRecords(buildClientHello({ sni: 'big.example', keyShareBytes: 1216 })));
    expect(r).toEqual({ status: 'invalid', reason: 'too_large' });
    expect(counters.get('anomaly.tls.too_large')).toBe(1);
    expect(a.push(Uint8Array.of(1)).status).toBe('invalid');
    expect(counters.get('anomaly.tls.too_large')).toBe(1);
  });

  it('bounds the default at 64 KiB: a declared 70 000-byte hello is refused at once', () => {
    const counters = new Counters();
    const header = Uint8Array.of(22, 3, 1, 0x40, 0x00, 1, 0x01, 0x11, 0x70); // handshake length 0x011170
    expect(new TlsClientHelloAssembler({ counters }).push(header).status).toBe('invalid');
    expect(counters.get('anomaly.tls.too_large')).toBe(1);
  });

  it('refuses a record longer than TLS allows', () => {
    expect(new TlsClientHelloAssembler().push(Uint8Array.of(22, 3, 1, 0xff, 0xff))).toEqual({
      status: 'invalid',
      reason: 'record_too_long',
    });
  });
});

describe('looksLikeTls', () => {
  it('accepts 0x16 0x03 0x00..0x04 and nothing else', () => {
    expect(looksLikeTls(Uint8Array.of(0x16, 3, 1, 2, 0))).toBe(true);
    expect(looksLikeTls(Uint8Array.of(0x16, 3, 0))).toBe(true);
    expect(looksLikeTls(Uint8Array.of(0x16, 3, 4))).toBe(true);
    expect(looksLikeTls(Uint8Array.of(0x16, 3, 5))).toBe(false);
    expect(looksLikeTls(Uint8Array.of(0x17, 3, 3))).toBe(false);
    expect(looksLikeTls(Uint8Array.of(0x16, 3))).toBe(false);
    expect(looksLikeTls(new TextEncoder().encode('GET /'))).toBe(false);
  });
});
