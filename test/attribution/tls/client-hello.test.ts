import { describe, expect, it } from 'vitest';
import { parseClientHello, tlsVersionName } from '../../../src/attribution/tls/client-hello.js';
import { isGrease } from '../../../src/attribution/tls/extensions.js';
import { buildClientHello, u16, vec16 } from '../../support/tls-client-hello-builder.js';
import { RFC_CLIENT_CRYPTO_FRAME } from '../quic/rfc-vectors.js';

function parsed(msg: Uint8Array) {
  const r = parseClientHello(msg);
  if (r.status !== 'found') throw new Error(`expected found, got ${JSON.stringify(r)}`);
  return r.value;
}

describe('parseClientHello', () => {
  it('reads the RFC 9001 A.2 ClientHello (CRYPTO frame header 06 00 40f1 stripped)', () => {
    const hello = parsed(RFC_CLIENT_CRYPTO_FRAME.subarray(4));
    expect(hello.sni).toBe('example.com');
    expect(hello.alpn).toEqual(['alpn']);
    expect(hello.legacyVersion).toBe(0x0303);
    expect(hello.version).toBe('TLS 1.3');
  });

  it('reads SNI, ALPN, versions and every extension type in order', () => {
    const hello = parsed(buildClientHello({ sni: 'api.example.net', alpn: ['h2', 'http/1.1'] }));
    expect(hello).toMatchObject({
      sni: 'api.example.net',
      alpn: ['h2', 'http/1.1'],
      legacyVersion: 0x0303,
      supportedVersions: [0x0304, 0x0303],
      hasEch: false,
      version: 'TLS 1.3',
    });
    expect(hello.extensionTypes).toEqual([0, 10, 13, 16, 43, 45, 51]);
  });

  it('names the version from legacy_version when supported_versions is absent', () => {
    expect(parsed(buildClientHello({ sni: 'a.b', supportedVersions: [] })).version).toBe('TLS 1.2');
    expect(parsed(buildClientHello({ legacyVersion: 0x0301, supportedVersions: [] })).version).toBe('TLS 1.0');
    expect(tlsVersionName(0x0303, [0x0303])).toBe('TLS 1.2');
    expect(tlsVersionName(0x9999, [])).toBe('unknown (0x9999)');
  });

  it('accepts a ClientHello with no extensions block at all', () => {
    const hello = parsed(buildClientHello({ noExtensions: true }));
    expect(hello.sni).toBeUndefined();
    expect(hello.extensionTypes).toEqual([]);
    expect(hello.version).toBe('TLS 1.2');
  });

  it('flags ECH and keeps the outer SNI', () => {
    const hello = parsed(buildClientHello({ sni: 'public.example', ech: true }));
    expect(hello.hasEch).toBe(true);
    expect(hello.sni).toBe('public.example');
    expect(hello.extensionTypes).toContain(0xfe0d);
  });

  it('tolerates GREASE in suites, extensions and versions', () => {
    const hello = parsed(buildClientHello({ sni: 'g.example', grease: true }));
    expect(hello.extensionTypes[0]).toBe(0x0a0a);
    expect(hello.supportedVersions).toEqual([0x0a0a, 0x0304, 0x0303]);
    expect(hello.version).toBe('TLS 1.3');
    expect(isGrease(0x0a0a)).toBe(true);
    expect(isGrease(0xfafa)).toBe(true);
    expect(isGrease(0x0a1a)).toBe(false);
    expect(isGrease(0x0304)).toBe(false);
  });

  it('keeps hostile SNI bytes: control characters and invalid UTF-8', () => {
    expect(parsed(buildClientHello({ sni: 'evil\u0000\u001b[31m.example\n' })).sni).toBe('evil\u0000\u001b[31m.example\n');
    const latin = parsed(buildClientHello({ sni: Uint8Array.of(0x61, 0xff, 0xfe, 0x2e, 0x62) })).sni;
    expect(latin).toBe('a\u00ff\u00fe.b');
    expect(parsed(buildClientHello({ sni: 'bücher.example' })).sni).toBe('bücher.example');
  });

  it('reads one-character and 253-character names', () => {
    expect(parsed(buildClientHello({ sni: 'a' })).sni).toBe('a');
    const long = `${'a'.repeat(63)}.`.repeat(4).slice(0, 253);
    expect(parsed(buildClientHello({ sni: long })).sni).toBe(long);
  });

  it('reports no SNI for an empty host name or a non-host_name entry', () => {
    expect(parsed(buildClientHello({ sni: '' })).sni).toBeUndefined();
    const otherType = { type: 0, data: vec16(Uint8Array.of(7, 0, 1, 0x61)) };
    const hello = parsed(buildClientHello({ extraExtensions: [otherType] }));
    expect(hello.sni).toBeUndefined();
    expect(hello.extensionTypes).toContain(0);
  });

  it('keeps the first of two server_name extensions', () => {
    const second = { type: 0, data: vec16(Uint8Array.of(0, 0, 3, 0x78, 0x79, 0x7a)) };
    const hello = parsed(buildClientHello({ sni: 'first.example', extraExtensions: [second] }));
    expect(hello.sni).toBe('first.example');
    expect(hello.extensionTypes.filter((t) => t === 0)).toHaveLength(2);
  });

  it('asks for more until the whole message is there', () => {
    const msg = buildClientHello({ sni: 'x.example' });
    expect(parseClientHello(msg.subarray(0, 0)).status).toBe('need_more');
    expect(parseClientHello(msg.subarray(0, 3)).status).toBe('need_more');
    expect(parseClientHello(msg.subarray(0, msg.length - 1)).status).toBe('need_more');
  });

  it('rejects other handshake types and malformed bodies without throwing', () => {
    expect(parseClientHello(Uint8Array.of(2, 0, 0, 0))).toEqual({ status: 'invalid', reason: 'not_client_hello' });
    expect(parseClientHello(Uint8Array.of(1, 0, 0, 1, 3))).toEqual({ status: 'invalid', reason: 'malformed_client_hello' });
    // server_name list length says 200 bytes but the extension holds 5
    const badSni = buildClientHello({ extraExtensions: [{ type: 0, data: Uint8Array.of(0, 200, 0, 0, 1) }] });
    expect(parseClientHello(badSni)).toEqual({ status: 'invalid', reason: 'malformed_client_hello' });
    // extensions block longer than the body
    const msg = buildClientHello({ sni: 'x.example' });
    const cut = Uint8Array.from(msg);
    const extLenAt = 4 + 2 + 32 + 1 + 32 + 2 + 10 + 2;
    cut.set(u16(0xffff), extLenAt);
    expect(parseClientHello(cut)).toEqual({ status: 'invalid', reason: 'malformed_client_hello' });
  });
});
