/**
 * IP fragment reassembly (RFC 791 section 3.2, RFC 8200 section 4.5), bounded and
 * timed in packet time. A datagram is keyed by (version, src, dst, protocol, id).
 * For IPv6 the protocol is the Next Header of each fragment; RFC 8200 allows
 * fragments of one datagram to differ there, which this key does not: such a
 * datagram never completes and times out (counted).
 */
import type { AnomalyCounter } from '../counters.js';
import { FifoMap } from '../util/fifo-map.js';
import { PartialDatagram } from './ip-reassembly-datagram.js';

export interface FragmentIn {
  version: 4 | 6;
  src: string;
  dst: string;
  id: number;
  protocol: number;
  /** Byte offset of this fragment's data in the original payload. */
  offset: number;
  more: boolean;
  payload: Uint8Array;
  ts: number;
}

export interface IpReassemblerOptions {
  maxDatagrams?: number;
  maxFragmentsPerDatagram?: number;
  maxSize?: number;
  /** Seconds of packet time; RFC 791 suggests 15 s upward, Linux uses 30 s. */
  timeoutV4?: number;
  /** Seconds of packet time; RFC 8200 section 4.5 says 60 s. */
  timeoutV6?: number;
}

export const IP_REASSEMBLY_DEFAULTS = {
  maxDatagrams: 1024,
  maxFragmentsPerDatagram: 64,
  maxSize: 65535,
  timeoutV4: 30,
  timeoutV6: 60,
} as const;

export class IpReassembler {
  /** Map order is creation order: the first entry is the oldest datagram. */
  /** Oldest first: a fragment flood evicts in O(1). */
  private readonly datagrams = new FifoMap<string, PartialDatagram>();
  private readonly limits: Required<IpReassemblerOptions>;

  constructor(
    private readonly counters: AnomalyCounter,
    options: IpReassemblerOptions = {},
  ) {
    this.limits = { ...IP_REASSEMBLY_DEFAULTS, ...stripUndefined(options) };
  }

  /** Datagrams in progress (given-up ones still waiting for their timeout included). */
  get inProgress(): number {
    return this.datagrams.size;
  }

  push(f: FragmentIn): Uint8Array | null {
    if (f.offset === 0 && !f.more) return f.payload; // not actually a fragment
    if (f.offset < 0 || f.offset + f.payload.length > this.limits.maxSize) {
      this.counters.inc('anomaly.frag.too_large');
      this.kill(datagramKey(f));
      return null;
    }
    const key = datagramKey(f);
    const datagram = this.datagramFor(key, f);
    if (datagram.dead) return null;
    if (++datagram.fragmentCount > this.limits.maxFragmentsPerDatagram) {
      this.counters.inc('anomaly.frag.too_many_fragments');
      datagram.dead = true;
      return null;
    }
    const outcome = datagram.add(f.offset, f.payload, f.more);
    if (outcome === 'inconsistent_end') {
      this.counters.inc('anomaly.frag.inconsistent_length');
      datagram.dead = true;
      return null;
    }
    if (outcome === 'overlap') this.counters.inc('anomaly.frag.overlap');
    const whole = datagram.assemble();
    if (whole) this.datagrams.delete(key);
    return whole ?? null;
  }

  /** Drops datagrams whose first fragment is older than the timeout at packet time `now`. */
  expire(now: number): void {
    for (const [key, datagram] of this.datagrams) {
      if (!datagram.expired(now)) continue;
      this.datagrams.delete(key);
      if (!datagram.dead) this.counters.inc('anomaly.frag.timeout');
    }
  }

  private datagramFor(key: string, f: FragmentIn): PartialDatagram {
    const existing = this.datagrams.get(key);
    if (existing && !existing.expired(f.ts)) return existing;
    if (existing) {
      this.datagrams.delete(key);
      if (!existing.dead) this.counters.inc('anomaly.frag.timeout');
    }
    this.makeRoom(f.ts);
    const timeout = f.version === 4 ? this.limits.timeoutV4 : this.limits.timeoutV6;
    const created = new PartialDatagram(f.ts, timeout);
    this.datagrams.set(key, created);
    return created;
  }

  private makeRoom(now: number): void {
    if (this.datagrams.size < this.limits.maxDatagrams) return;
    this.expire(now);
    while (this.datagrams.size >= this.limits.maxDatagrams) {
      if (!this.datagrams.shift()) return;
      this.counters.inc('anomaly.frag.evicted');
    }
  }

  /** Gives up a datagram in progress; its later fragments are dropped until it times out. */
  private kill(key: string): void {
    const datagram = this.datagrams.get(key);
    if (datagram) datagram.dead = true;
  }
}

function datagramKey(f: FragmentIn): string {
  return `${f.version}|${f.src}|${f.dst}|${f.protocol}|${f.id}`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
