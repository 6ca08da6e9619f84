/**
 * What each client learned from DNS: (client, address) -> the name it asked for.
 * Time is packet time throughout, so a replay gives the same answers as live.
 *
 * Policy, kept simple on purpose:
 * - When several names map to the same address for a client, the most recent
 *   answer wins (a CDN address serving many names gets the last name asked).
 * - Lifetime = TTL clamped to [minTtl, maxTtl]; a TTL of 0 lives zeroTtlGrace
 *   seconds, since applications connect right after such an answer.
 * - The total number of entries is bounded; the least recently learned entry
 *   goes first (counted as anomaly.dns.cache_evicted). A repeated answer
 *   updates its entry in place and marks it, and eviction moves marked entries
 *   to the back instead ("second chance"): deleting and re-adding the same key
 *   on every answer makes V8 walk every deleted copy of it, O(table size) per
 *   answer once the table is large and a name is asked often.
 */
import type { AnomalyCounter } from '../../counters.js';
import type { NameEvidence } from '../../types.js';
import { FifoMap } from '../../util/fifo-map.js';
import type { DnsResolution } from './dns-resolve.js';

export interface DnsNameCacheOptions {
  maxEntries?: number;
  /** Seconds; answers live at least this long (default 0). */
  minTtl?: number;
  /** Seconds; answers live at most this long (default 24 h). */
  maxTtl?: number;
  /** Seconds an answer with TTL 0 stays usable (default 30). */
  zeroTtlGrace?: number;
  counters?: AnomalyCounter;
}

interface CacheEntry {
  evidence: NameEvidence;
  expiresAt: number;
  /** Learned again since it took its place in the order. */
  relearned: boolean;
}

export const DNS_CACHE_DEFAULTS = { maxEntries: 100_000, minTtl: 0, maxTtl: 86_400, zeroTtlGrace: 30 } as const;

export class DnsNameCache {
  /** Map order is learn order, except for entries marked `relearned` since they were placed. */
  private readonly entries = new FifoMap<string, CacheEntry>();
  private readonly maxEntries: number;
  private readonly minTtl: number;
  private readonly maxTtl: number;
  private readonly zeroTtlGrace: number;
  private readonly counters: AnomalyCounter | undefined;

  constructor(options: DnsNameCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DNS_CACHE_DEFAULTS.maxEntries);
    this.minTtl = options.minTtl ?? DNS_CACHE_DEFAULTS.minTtl;
    this.maxTtl = options.maxTtl ?? DNS_CACHE_DEFAULTS.maxTtl;
    this.zeroTtlGrace = options.zeroTtlGrace ?? DNS_CACHE_DEFAULTS.zeroTtlGrace;
    this.counters = options.counters;
  }

  get size(): number {
    return this.entries.size;
  }

  learn(client: string, resolution: DnsResolution, ts: number, server: string): void {
    for (const { ip, ttl } of resolution.addresses) {
      const key = cacheKey(client, ip);
      const entry: CacheEntry = {
        evidence: { host: resolution.query, source: 'dns', ts, dnsChain: [...resolution.chain], dnsServer: server, dnsQuery: resolution.query },
        expiresAt: ts + this.lifetime(ttl),
        relearned: false,
      };
      const known = this.entries.get(key);
      if (known) Object.assign(known, entry, { relearned: true });
      else this.entries.set(key, entry);
      this.evictOverflow();
    }
  }

  lookup(client: string, ip: string, ts: number): NameEvidence | undefined {
    const key = cacheKey(client, ip);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (ts > entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return { ...entry.evidence, dnsChain: [...(entry.evidence.dnsChain ?? [])] };
  }

  /** Drops every entry expired at packet time `now` (lookups also drop lazily). */
  expire(now: number): void {
    for (const [key, entry] of this.entries) if (now > entry.expiresAt) this.entries.delete(key);
  }

  private lifetime(ttl: number): number {
    const clamped = Math.min(Math.max(ttl, this.minTtl), this.maxTtl);
    return ttl === 0 ? Math.max(clamped, this.zeroTtlGrace) : clamped;
  }

  private evictOverflow(): void {
    while (this.entries.size > this.maxEntries) {
      const head = this.entries.oldest();
      if (head === undefined) return;
      const [key, entry] = head;
      if (entry.relearned) {
        entry.relearned = false;
        this.entries.moveToBack(key);
        continue;
      }
      this.entries.delete(key);
      this.counters?.inc('anomaly.dns.cache_evicted');
    }
  }
}

function cacheKey(client: string, ip: string): string {
  return `${client}\u0000${ip}`;
}
