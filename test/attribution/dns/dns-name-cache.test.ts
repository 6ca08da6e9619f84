import { describe, expect, it } from 'vitest';
import { Counters } from '../../../src/counters.js';
import { DnsNameCache } from '../../../src/attribution/dns/dns-name-cache.js';
import type { DnsResolution } from '../../../src/attribution/dns/dns-resolve.js';

const CLIENT = '192.168.1.10';
const SERVER = '192.168.1.1';

function resolution(query: string, ips: [string, number][], chain: string[] = [query]): DnsResolution {
  return { query, qtype: 'A', chain, addresses: ips.map(([ip, ttl]) => ({ ip, ttl })) };
}

describe('DnsNameCache', () => {
  it('answers with the asked name, the chain and the resolver', () => {
    const cache = new DnsNameCache();
    cache.learn(CLIENT, resolution('app.example', [['192.0.2.1', 300]], ['app.example', 'edge.cdn.example']), 1000, SERVER);
    expect(cache.lookup(CLIENT, '192.0.2.1', 1001)).toEqual({
      host: 'app.example',
      source: 'dns',
      ts: 1000,
      dnsChain: ['app.example', 'edge.cdn.example'],
      dnsServer: SERVER,
      dnsQuery: 'app.example',
    });
  });

  it('honours the TTL in packet time', () => {
    const cache = new DnsNameCache();
    cache.learn(CLIENT, resolution('a.example', [['192.0.2.1', 60]]), 1000, SERVER);
    expect(cache.lookup(CLIENT, '192.0.2.1', 1060)?.host).toBe('a.example');
    expect(cache.lookup(CLIENT, '192.0.2.1', 1060.001)).toBeUndefined();
  });

  it('keeps TTL 0 answers for the grace period, and applies floor and clamp', () => {
    const cache = new DnsNameCache({ zeroTtlGrace: 30, minTtl: 10, maxTtl: 100 });
    cache.learn(CLIENT, resolution('zero.example', [['192.0.2.1', 0]]), 0, SERVER);
    cache.learn(CLIENT, resolution('short.example', [['192.0.2.2', 1]]), 0, SERVER);
    cache.learn(CLIENT, resolution('long.example', [['192.0.2.3', 86_400]]), 0, SERVER);
    expect(cache.lookup(CLIENT, '192.0.2.1', 30)?.host).toBe('zero.example');
    expect(cache.lookup(CLIENT, '192.0.2.1', 31)).toBeUndefined();
    expect(cache.lookup(CLIENT, '192.0.2.2', 10)?.host).toBe('short.example');
    expect(cache.lookup(CLIENT, '192.0.2.2', 11)).toBeUndefined();
    expect(cache.lookup(CLIENT, '192.0.2.3', 100)?.host).toBe('long.example');
    expect(cache.lookup(CLIENT, '192.0.2.3', 101)).toBeUndefined();
  });

  it('default maximum TTL is 24 h', () => {
    const cache = new DnsNameCache();
    cache.learn(CLIENT, resolution('week.example', [['192.0.2.1', 604_800]]), 0, SERVER);
    expect(cache.lookup(CLIENT, '192.0.2.1', 86_400)?.host).toBe('week.example');
    expect(cache.lookup(CLIENT, '192.0.2.1', 86_401)).toBeUndefined();
  });

  it('keeps clients apart', () => {
    const cache = new DnsNameCache();
    cache.learn(CLIENT, resolution('mine.example', [['192.0.2.1', 60]]), 0, SERVER);
    cache.learn('192.168.1.11', resolution('theirs.example', [['192.0.2.1', 60]]), 0, SERVER);
    expect(cache.lookup(CLIENT, '192.0.2.1', 1)?.host).toBe('mine.example');
    expect(cache.lookup('192.168.1.11', '192.0.2.1', 1)?.host).toBe('theirs.example');
    expect(cache.lookup('192.168.1.12', '192.0.2.1', 1)).toBeUndefined();
  });

  it('the most recent answer for an address wins', () => {
    const cache = new DnsNameCache();
    cache.learn(CLIENT, resolution('first.example', [['192.0.2.1', 600]]), 0, SERVER);
    cache.learn(CLIENT, resolution('second.example', [['192.0.2.1', 600]]), 5, SERVER);
    expect(cache.lookup(CLIENT, '192.0.2.1', 6)?.host).toBe('second.example');
  });

  it('evicts the oldest-learned entry past the bound and counts it', () => {
    const counters = new Counters();
    const cache = new DnsNameCache({ maxEntries: 2, counters });
    cache.learn(CLIENT, resolution('one.example', [['192.0.2.1', 600]]), 0, SERVER);
    cache.learn(CLIENT, resolution('two.example', [['192.0.2.2', 600]]), 1, SERVER);
    cache.learn(CLIENT, resolution('one.example', [['192.0.2.1', 600]]), 2, SERVER); // refreshed: now newest
    cache.learn(CLIENT, resolution('three.example', [['192.0.2.3', 600]]), 3, SERVER);
    expect(cache.size).toBe(2);
    expect(counters.get('anomaly.dns.cache_evicted')).toBe(1);
    expect(cache.lookup(CLIENT, '192.0.2.2', 4)).toBeUndefined();
    expect(cache.lookup(CLIENT, '192.0.2.1', 4)?.host).toBe('one.example');
    expect(cache.lookup(CLIENT, '192.0.2.3', 4)?.host).toBe('three.example');
  });

  it('expire() drops expired entries', () => {
    const cache = new DnsNameCache();
    cache.learn(CLIENT, resolution('a.example', [['192.0.2.1', 10], ['192.0.2.2', 100]]), 0, SERVER);
    cache.expire(50);
    expect(cache.size).toBe(1);
  });
});
