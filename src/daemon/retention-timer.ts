/**
 * The daemon's retention: a StoreRetention round every RETENTION_INTERVAL_MS
 * on its own connection to the store (the sink's transactions and these run
 * one after the other on the same thread, so they never wait on each other).
 * A round that fails (store busy, disk full) is counted, said once on stderr,
 * and the next round tries again; capture never waits for retention.
 */
import type { Counters } from '../counters.js';
import { StoreRetention, type RetentionPolicy } from '../sinks/retention.js';
import { closeStore, openStore, type StoreDb } from '../sinks/sqlite-store.js';

export const RETENTION_INTERVAL_MS = 10_000;
/** The first round, soon after start (a store that was stopped for a while has a backlog). */
export const RETENTION_FIRST_DELAY_MS = 5_000;

export class RetentionTimer {
  private timer: NodeJS.Timeout | undefined;
  private db: StoreDb | undefined;
  private retention: StoreRetention | undefined;
  private warned = false;

  constructor(
    private readonly dbPath: string,
    private readonly policy: RetentionPolicy,
    private readonly counters: Counters,
    private readonly warn: (line: string) => void,
    private readonly intervalMs = RETENTION_INTERVAL_MS,
    private readonly firstDelayMs = RETENTION_FIRST_DELAY_MS,
  ) {}

  start(): void {
    const next = (delay: number) => {
      this.timer = setTimeout(() => {
        this.round();
        next(this.intervalMs);
      }, delay);
      this.timer.unref();
    };
    next(this.firstDelayMs);
  }

  round(now: Date = new Date()): void {
    try {
      this.db ??= openStore(this.dbPath);
      this.retention ??= new StoreRetention(this.db, this.policy, this.counters);
      this.retention.tick(now);
      this.warned = false;
    } catch (err) {
      this.counters.inc('retention.failed');
      if (!this.warned) this.warn(`groundwatch: warning: retention round on ${this.dbPath} failed (${err instanceof Error ? err.message : String(err)}); retrying every ${this.intervalMs / 1000} s`);
      this.warned = true;
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    if (this.db) closeStore(this.db);
    this.db = undefined;
    this.retention = undefined;
  }
}
