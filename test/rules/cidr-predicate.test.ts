import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp } from '../../src/address/cidr.js';
import type { MatchContext } from '../../src/rules/context.js';
import { cidrPredicate } from '../../src/rules/predicates-net.js';

/**
 * The cidr predicate answers through a bit trie for longer lists; the oracle here is the plain
 * definition, written independently with BigInt arithmetic: an address is in a/len when its top
 * `len` bits equal a's. Reasons must come in the order the rule lists its prefixes.
 */
const V4_BITS = 32n;
const V6_BITS = 128n;

function inPrefixBig(addr: bigint, net: bigint, len: number, bits: bigint): boolean {
  const shift = bits - BigInt(len);
  return addr >> shift === net >> shift;
}

const v4Text = (n: bigint): string => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
const v6Text = (n: bigint): string => [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((n >> s) & 0xffffn).toString(16)).join(':');

interface Prefix {
  v6: boolean;
  net: bigint;
  len: number;
}

const prefixArb: fc.Arbitrary<Prefix> = fc.oneof(
  fc.record({ v6: fc.constant(false), net: fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), len: fc.integer({ min: 0, max: 32 }) }),
  // v6 nets avoid ::ffff:0:0/96, which parseCidr folds to IPv4 (by design; not what this property is about).
  fc.record({ v6: fc.constant(true), net: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((n) => n | (1n << 127n)), len: fc.integer({ min: 0, max: 128 }) }),
);

function ctxFor(v6: boolean, addr: bigint): MatchContext {
  const ipText = v6 ? v6Text(addr) : v4Text(addr);
  return { peer: 'destination', ipText, ip: parseIp(ipText)! } as MatchContext;
}

describe('cidr predicate (trie above a few prefixes, after the first lookups) agrees with the linear definition', () => {
  it('property: same reasons, same order, for IPv4 and IPv6 lists of 0..40 prefixes', () => {
    fc.assert(
      fc.property(
        fc.array(prefixArb, { maxLength: 40 }),
        fc.boolean(),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.nat(),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        (prefixes, v6, randomAddr, pick, lowBits) => {
          const bits = v6 ? V6_BITS : V4_BITS;
          // Half the time, an address inside one of the listed prefixes of its family (else hits are rare).
          const same = prefixes.filter((p) => p.v6 === v6);
          let addr = v6 ? randomAddr | (1n << 127n) : randomAddr & 0xffffffffn;
          if (same.length > 0 && pick % 2 === 0) {
            const p = same[pick % same.length]!;
            const host = bits - BigInt(p.len);
            addr = ((p.net >> host) << host) | (lowBits & ((1n << host) - 1n));
            if (v6) addr |= 1n << 127n;
          }
          const texts = prefixes.map((p) => `${p.v6 ? v6Text(p.net) : v4Text(p.net)}/${p.len}`);
          const ctx = ctxFor(v6, addr);
          // trieAfterTests 0 / 1: the trie from the first lookup, and the linear scan once then the trie.
          const pred = cidrPredicate(texts.map((t) => parseCidr(t)!), pick % 3 === 0 ? 1 : 0);
          const first = pred.test(ctx);
          const got = pred.test(ctx);
          const want = prefixes
            .map((p, i) => (p.v6 === v6 && inPrefixBig(addr, p.net, p.len, bits) ? `destination.ip ${ctx.ipText} is in ${texts[i]}` : null))
            .filter((r): r is string => r !== null);
          expect(got).toEqual(want.length > 0 ? want : null);
          expect(first).toEqual(got);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a long list with nested and repeated prefixes names each containing one, in list order', () => {
    const list = ['10.0.0.0/8', '192.168.0.0/16', '10.1.0.0/16', '2400:3200::/32', '0.0.0.0/0', '10.1.2.3', '172.16.0.0/12', '10.1.0.0/16', '10.0.0.0/8', '8.8.8.8'];
    const pred = cidrPredicate(list.map((t) => parseCidr(t)!), 0);
    const ctx = { peer: 'destination', ipText: '10.1.2.3', ip: parseIp('10.1.2.3')! } as MatchContext;
    expect(pred.test(ctx)).toEqual(['10.0.0.0/8', '10.1.0.0/16', '0.0.0.0/0', '10.1.2.3', '10.1.0.0/16', '10.0.0.0/8'].map((c) => `destination.ip 10.1.2.3 is in ${c}`));
    expect(pred.test({ peer: 'destination', ipText: '2400:3201::1', ip: parseIp('2400:3201::1')! } as MatchContext)).toBeNull();
  });
});
