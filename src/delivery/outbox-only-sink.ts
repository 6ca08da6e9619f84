/**
 * With `--no-db` there is no store, but delivery still needs a queue: this sink writes
 * only the outbox rows, into an in-memory outbox (gone when the process ends; replay
 * says in its summary what it could not deliver within its wait).
 */
import type { Statement } from 'better-sqlite3';
import type { GroundwatchRecord } from '../records/ecs.js';
import type { Sink } from '../sinks/sink.js';
import type { StoreDb } from '../sinks/sqlite-store.js';
import type { OutboxWriter } from './outbox-writer.js';

interface PendingOutboxRow {
  stmt: Statement;
  params: Record<string, string | number | Buffer>;
}

export class OutboxOnlySink implements Sink {
  readonly name = 'outbox';
  private pending: PendingOutboxRow[] = [];
  private readonly commit: (rows: PendingOutboxRow[]) => void;

  constructor(db: StoreDb, private readonly writer: OutboxWriter, private readonly onCommit: () => void) {
    this.commit = db.transaction((rows: PendingOutboxRow[]) => {
      for (const r of rows) r.stmt.run(r.params);
      this.writer.afterRows();
    });
  }

  write(rec: GroundwatchRecord): void {
    this.pending.push(...this.writer.rowsFor(rec));
  }

  needsFlush(): boolean {
    return this.pending.length >= 100;
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const rows = this.pending;
    this.pending = [];
    this.commit(rows);
    this.onCommit();
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
