/**
 * Folds repeats of the same (device, destination, rule) into the first alert.
 * The window is fixed from the emitted alert (packet time): a destination that
 * keeps talking is alerted again once per window, so a months-long run still
 * shows the behaviour continuing. The key table is bounded; evictions counted.
 */
import type { Counters } from '../counters.js';
import type { AlertRecord, FoldedFlow, FoldedFlows } from '../records/ecs.js';
import { FifoMap } from '../util/fifo-map.js';

export interface SuppressorOptions {
  /** Seconds of packet time during which repeats fold into the first alert (default 300). */
  windowSec?: number;
  /** Most keys remembered (default 100_000); the oldest is evicted past it. */
  maxKeys?: number;
  counters?: Pick<Counters, 'inc'>;
}

export type Admission =
  | { emit: true }
  /** Not emitted: the sink layer can update the stored first alert (by id) to `repeats` and its folded connections. */
  | { emit: false; firstId: string; repeats: number; first: AlertRecord; folded: FoldedFlows };

/** Connections listed per folded alert: enough to find them in the capture, bounded for a destination that repeats all day. */
export const MAX_FOLDED_FLOWS = 20;

interface Entry {
  first: AlertRecord;
  startSec: number;
}

export class AlertSuppressor {
  readonly windowSec: number;
  readonly maxKeys: number;
  /** Oldest window first (expire and evict read the front). */
  private readonly entries = new FifoMap<string, Entry>();
  private readonly counters: Pick<Counters, 'inc'> | undefined;

  constructor(opts: SuppressorOptions = {}) {
    this.windowSec = opts.windowSec ?? 300;
    this.maxKeys = opts.maxKeys ?? 100_000;
    this.counters = opts.counters;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Decide whether `alert` is emitted. `tsSec` is packet time in seconds.
   * A suppressed repeat increments `groundwatch.repeats` on the stored first alert.
   */
  admit(alert: AlertRecord, tsSec: number, key: string = suppressionKey(alert)): Admission {
    this.expire(tsSec);
    const entry = this.entries.get(key);
    if (entry && tsSec - entry.startSec < this.windowSec) {
      const first = entry.first;
      first.groundwatch.repeats++;
      const folded = (first.groundwatch.folded ??= { flows: [], omitted: 0 });
      if (folded.flows.length < MAX_FOLDED_FLOWS) folded.flows.push(foldedFlow(alert));
      else folded.omitted++;
      this.counters?.inc('alerts.suppressed');
      return { emit: false, firstId: first.event.id, repeats: first.groundwatch.repeats, first, folded };
    }
    if (entry) {
      // A new window for a known key: it becomes the newest.
      entry.first = alert;
      entry.startSec = tsSec;
      this.entries.moveToBack(key);
    } else {
      if (this.entries.size >= this.maxKeys) this.evictOldest();
      this.entries.set(key, { first: alert, startSec: tsSec });
    }
    this.counters?.inc('alerts.emitted');
    return { emit: true };
  }

  private expire(nowSec: number): void {
    for (let head = this.entries.oldest(); head && nowSec - head[1].startSec >= this.windowSec; head = this.entries.oldest()) this.entries.shift();
  }

  private evictOldest(): void {
    if (this.entries.shift()) this.counters?.inc('alerts.suppressor.evicted');
  }
}

function foldedFlow(a: AlertRecord): FoldedFlow {
  const f: FoldedFlow = { flow_uid: a.groundwatch.flow.uid };
  if (a.source?.ip !== undefined) f.source_ip = a.source.ip;
  if (a.source?.port !== undefined) f.source_port = a.source.port;
  if (a.destination?.ip !== undefined) f.destination_ip = a.destination.ip;
  if (a.destination?.port !== undefined) f.destination_port = a.destination.port;
  if (a.network?.transport !== undefined) f.transport = a.network.transport;
  return f;
}

/** (device, destination domain or ip, rule id); DNS-query alerts key on the asked name. */
export function suppressionKey(alert: AlertRecord): string {
  // IP, not MAC: behind a router every device shares the router's MAC on the mirror port.
  const device = alert.source?.ip ?? '';
  const dest = alert.groundwatch.dns_query?.name ?? alert.destination?.domain ?? alert.destination?.ip ?? '';
  return `${device}\u0000${dest.toLowerCase()}\u0000${alert.rule.id}`;
}
