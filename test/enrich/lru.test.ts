import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/enrich/lru.js';
import { Counters } from '../../src/counters.js';
import { GeoResolver } from '../../src/enrich/geo-resolver.js';
import { MAXMIND_TEST_DIR } from './helpers.js';

describe('LruCache', () => {
  it('evicts the least recently used entry and counts it', () => {
    let evicted = 0;
    const c = new LruCache<string, number>(2, () => evicted++);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.size).toBe(2);
    expect(evicted).toBe(1);
  });

  it('stays within its capacity under churn, counts every eviction, and keeps what is used', () => {
    let evicted = 0;
    const c = new LruCache<number, number>(100, () => evicted++);
    for (let i = 0; i < 1000; i++) {
      c.set(i, i);
      expect(c.get(7)).toBe(i < 7 ? undefined : 7); // 7 is read after every insert: it must never be evicted
      expect(c.size).toBeLessThanOrEqual(100);
    }
    expect(evicted).toBe(1000 - c.size);
    expect(c.get(999)).toBe(999);
    expect(c.get(0)).toBeUndefined();
  });

  it('bounds the resolver cache and counts hits and evictions', async () => {
    const counters = new Counters();
    const geo = await GeoResolver.open({ dir: MAXMIND_TEST_DIR, searchSystemDirs: false, embedded: false, cacheSize: 2, counters });
    for (const ip of ['81.2.69.160', '89.160.20.128', '81.2.69.160', '216.160.83.58', '2001:218::1']) geo.lookup(ip);
    expect(counters.get('enrich.geoip.cache_hit')).toBe(1);
    expect(counters.get('enrich.geoip.lookup')).toBe(4);
    expect(counters.get('enrich.geoip.cache_evicted')).toBe(2);
    geo.lookup('bogus');
    expect(counters.get('anomaly.enrich.bad_ip')).toBe(1);
  });
});
