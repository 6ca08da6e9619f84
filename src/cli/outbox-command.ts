/**
 * `groundwatch outbox list|flush|retry <id>|purge`: show and drive the delivery queue
 * in the SQLite store. Secrets are never stored in the database, so `flush` is given
 * its destinations again (`--config` file's deliver: list and/or `--deliver URL`); rows
 * are matched to them by label (the URL without secrets). docs/delivery.md.
 */
import type { Command } from 'commander';
import { Counters } from '../counters.js';
import { Dispatcher } from '../delivery/dispatcher.js';
import { OutboxStore } from '../delivery/outbox-store.js';
import { purgeOutbox, retryMessage } from '../delivery/outbox-admin.js';
import { deliveryTargets, type DeliverEntry } from '../delivery/targets.js';
import { GroundwatchError } from '../errors.js';
import { defaultDbPath, openStore } from '../sinks/sqlite-store.js';
import { formatRows, type Columns } from './output-format.js';
import { collectRepeated } from './repeated-option.js';
import { parseFormat } from './flows-command.js';
import { printErrLine, printOut } from './print.js';
import { wholeNumber } from './whole-number.js';

export const DEFAULT_FLUSH_TIMEOUT_S = 60;

const LIST_COLUMNS: Columns = [
  { key: 'destination', maxWidth: 60 },
  'pending',
  { key: 'pending_bytes', header: 'bytes' },
  { key: 'oldest_pending_age_s', header: 'oldest_age_s' },
  'delivered',
  'disabled',
  { key: 'last_error', maxWidth: 60 },
];

export function registerOutboxCommands(program: Command): void {
  const outbox = program.command('outbox').description('the delivery outbox in the SQLite store (docs/delivery.md)');
  outbox
    .command('list')
    .description('per destination: pending messages, their bytes, the oldest pending age, delivered, disabled, last error')
    .option('--db <path>', 'SQLite store (default: $GROUNDWATCH_DB or ./groundwatch.db)')
    .option('--format <fmt>', 'table or ndjson', 'table')
    .action((flags: { db?: string; format: string }) => {
      const format = parseFormat(flags.format, ['table', 'ndjson'] as const);
      const db = openStore(flags.db ?? defaultDbPath(), { mustExist: true });
      try {
        const now = Date.now();
        const rows = new OutboxStore(db).backlog().map((b) => ({
          destination: b.destination,
          pending: b.pending,
          pending_bytes: b.pending_bytes,
          oldest_pending_age_s: b.oldest_created_at === null ? null : Math.max(0, Math.round((now - b.oldest_created_at) / 1000)),
          delivered: b.delivered,
          disabled: b.disabled,
          last_error: b.last_error,
        }));
        printOut(formatRows(rows, LIST_COLUMNS, format));
      } finally {
        db.close();
      }
    });
  outbox
    .command('flush')
    .description('deliver what is pending, then exit: 0 only when the outbox has nothing pending or disabled left (else 3)')
    .option('--db <path>', 'SQLite store (default: $GROUNDWATCH_DB or ./groundwatch.db)')
    .option('--config <file>', "take destinations from this config file's deliver: list (TLS files, secrets)")
    .option('--deliver <url>', 'a destination (repeatable), as given to replay/monitor', collectRepeated, [])
    .option('--timeout <seconds>', 'give up after this long', String(DEFAULT_FLUSH_TIMEOUT_S))
    .action(async (flags: { db?: string; config?: string; deliver: string[]; timeout: string }) => {
      const timeoutS = wholeNumber(flags.timeout);
      if (timeoutS === undefined) throw new GroundwatchError('USAGE', `--timeout must be a whole number of seconds (got ${flags.timeout})`);
      process.exitCode = await flush(flags.db ?? defaultDbPath(), await destinationsFrom(flags.config, flags.deliver), timeoutS * 1000);
    });
  outbox
    .command('retry')
    .description('make a message due now (also a disabled one), for every destination or one')
    .argument('<id>', 'message id (the alert id)')
    .option('--db <path>', 'SQLite store (default: $GROUNDWATCH_DB or ./groundwatch.db)')
    .option('--destination <label>', 'only for this destination (as `outbox list` shows it)')
    .action((id: string, flags: { db?: string; destination?: string }) => {
      const db = openStore(flags.db ?? defaultDbPath(), { mustExist: true });
      try {
        const n = retryMessage(db, id, Date.now(), flags.destination);
        if (n === 0) throw new GroundwatchError('NOT_FOUND', `no undelivered outbox message ${id}${flags.destination ? ` for ${flags.destination}` : ''}`);
        printOut(`${n} outbox row${n === 1 ? '' : 's'} of ${id} due now\n`);
      } finally {
        db.close();
      }
    });
  outbox
    .command('purge')
    .description('remove delivered rows (default); --disabled also disabled ones; --all --yes every row, pending included')
    .option('--db <path>', 'SQLite store (default: $GROUNDWATCH_DB or ./groundwatch.db)')
    .option('--disabled', 'also remove rows of disabled destinations (HTTP 410)')
    .option('--all', 'remove every row, pending included (needs --yes)')
    .option('--yes', 'confirm --all')
    .action((flags: { db?: string; disabled?: boolean; all?: boolean; yes?: boolean }) => {
      if (flags.all && !flags.yes) throw new GroundwatchError('USAGE', 'outbox purge --all removes undelivered alerts too: add --yes to confirm');
      const db = openStore(flags.db ?? defaultDbPath(), { mustExist: true });
      try {
        const n = purgeOutbox(db, { ...(flags.disabled ? { disabled: true } : {}), ...(flags.all ? { all: true } : {}) });
        printOut(`${n} outbox rows removed\n`);
      } finally {
        db.close();
      }
    });
}

async function destinationsFrom(configPath: string | undefined, urls: string[]): Promise<DeliverEntry[]> {
  const entries: DeliverEntry[] = [];
  if (configPath) {
    const { loadConfigFile } = await import('../config/config-file.js');
    entries.push(...((loadConfigFile(configPath).deliver ?? []) as DeliverEntry[]));
  }
  entries.push(...urls);
  return entries;
}

async function flush(dbPath: string, entries: DeliverEntry[], timeoutMs: number): Promise<number> {
  const db = openStore(dbPath, { mustExist: true });
  const store = new OutboxStore(db);
  const counters = new Counters();
  if (entries.length === 0) throw new GroundwatchError('USAGE', 'outbox flush needs its destinations again (secrets are not stored): --config <file> and/or --deliver <url>');
  const targets = deliveryTargets(entries);
  const dispatcher = new Dispatcher(store, targets, { counters, warn: printErrLine });
  try {
    // A flush is asked for now: rows waiting out a backoff from an earlier run are due at once.
    const due = db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND destination = ?`);
    for (const t of targets) due.run(Date.now(), t.route.label);
    const started = Date.now();
    await dispatcher.drain(timeoutMs);
    const left = store.backlog().filter((b) => b.pending + b.disabled > 0);
    const configured = new Set(targets.map((t) => t.route.label));
    printOut(`outbox flush: ${counters.get('delivery.delivered')} delivered, ${counters.get('delivery.retried')} failed attempts in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    if (left.length === 0) return 0;
    const parts = left.map((b) => `${b.destination}: ${b.pending} pending${b.disabled ? `, ${b.disabled} disabled` : ''}${configured.has(b.destination) ? '' : ' (not among the destinations given: --config / --deliver)'}${b.last_error ? ` (last error: ${b.last_error})` : ''}`);
    printErrLine(`groundwatch: DELIVERY_INCOMPLETE: the outbox is not empty: ${parts.join('; ')}`);
    return 3;
  } finally {
    await dispatcher.stop();
    db.close();
  }
}
