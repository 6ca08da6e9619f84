import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../src/address/cidr.js';
import { normalizeName, parsePortSpec, suffixesOf } from '../../src/rules/normalize.js';

const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

describe('parseIp (expected bytes from RFC 4291 §2.2 / RFC 4291 §2.5.5.2 text forms)', () => {
  it('IPv4 and IPv6 forms', () => {
    expect(hex(parseIp('192.0.2.1')?.bytes)).toBe('c0000201');
    expect(hex(parseIp('2001:DB8::1')?.bytes)).toBe('20010db8000000000000000000000001');
    expect(hex(parseIp('::')?.bytes)).toBe('0'.repeat(32));
    expect(hex(parseIp('1::')?.bytes)).toBe('0001' + '0'.repeat(28));
    expect(hex(parseIp('2001:db8:0:0:1:0:0:1')?.bytes)).toBe('20010db8000000000001000000000001');
    expect(hex(parseIp('64:ff9b::192.0.2.33')?.bytes)).toBe('0064ff9b0000000000000000c0000221');
  });

  it('IPv4-mapped IPv6 folds to IPv4', () => {
    expect(parseIp('::ffff:192.0.2.1')).toEqual({ version: 4, bytes: Uint8Array.from([192, 0, 2, 1]) });
  });

  it('rejects non-addresses', () => {
    for (const bad of ['256.1.1.1', '1.2.3', 'dji.com', '2001:db8::1::2', '']) expect(parseIp(bad)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('prefix lengths and bounds', () => {
    expect(parseCidr('10.0.0.0/8')?.prefixLen).toBe(8);
    expect(parseCidr('10.0.0.1')?.prefixLen).toBe(32);
    expect(parseCidr('2001:db8::/32')?.prefixLen).toBe(32);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('2001:db8::/129')).toBeUndefined();
    expect(parseCidr('10.0.0.0/')).toBeUndefined();
    expect(parseCidr('::ffff:10.0.0.0/104')?.prefixLen).toBe(8);
  });

  it('containment ignores host bits of the prefix', () => {
    const c = parseCidr('10.1.2.3/8')!;
    expect(cidrContains(c, parseIp('10.200.0.1')!)).toBe(true);
    expect(cidrContains(c, parseIp('11.0.0.1')!)).toBe(false);
  });
});

describe('normalize', () => {
  it('names', () => {
    expect(normalizeName('WWW.Example.COM.')).toBe('www.example.com');
    expect(normalizeName('bücher.example')).toBe('xn--bcher-kva.example');
    expect(normalizeName('_dmarc.example.com')).toBe('_dmarc.example.com');
  });

  it('ports', () => {
    expect(parsePortSpec(443)).toEqual({ lo: 443, hi: 443 });
    expect(parsePortSpec('8000-8100')).toEqual({ lo: 8000, hi: 8100 });
    expect(parsePortSpec('8100-8000')).toBeUndefined();
    expect(parsePortSpec(65536)).toBeUndefined();
    expect(parsePortSpec('http')).toBeUndefined();
  });

  it('suffixes', () => {
    expect(suffixesOf('a.b.c')).toEqual(['a.b.c', 'b.c', 'c']);
  });
});
