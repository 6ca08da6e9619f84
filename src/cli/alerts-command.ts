/**
 * `groundwatch alerts list|show|ack`: review alerts in the SQLite store.
 * Acknowledging adds a row to alert_acks; the alert itself is never edited.
 */
import type { Command } from 'commander';
import { GroundwatchError } from '../errors.js';
import { SEVERITY_ORDER, type Severity } from '../types.js';
import { ackAlert, getAlert, listAlerts, type AlertFilters } from '../sinks/queries.js';
import { isReadOnlyError, openStore } from '../sinks/sqlite-store.js';
import { findStore, STORE_FLAG_HELP } from './store-discovery.js';
import {
  dropUndefined, parseFormat, parseWholeNumber, withReadOnlyStore, type CliOutput,
} from './flows-command.js';
import { registerAlertsExport } from './alerts-export.js';
import { formatRows, OUTPUT_FORMATS, sanitizeForTerminal, type Columns } from './output-format.js';

export const ALERT_COLUMNS: Columns = [
  { key: 'ts', header: 'time' },
  'severity',
  { key: 'rule_id', header: 'rule.id', maxWidth: 40 },
  'category',
  { key: 'source_ip', header: 'source.ip' },
  { key: 'source_mac', header: 'source.mac' },
  { key: 'destination_ip', header: 'destination.ip' },
  { key: 'destination_port', header: 'dport' },
  { key: 'destination_domain', header: 'destination.domain' },
  { key: 'name_source', header: 'name_from' },
  'country',
  'asn',
  'repeats',
  'acked',
  'id',
];

interface AlertListFlags {
  db?: string; since?: string; until?: string; severity?: string; rule?: string; device?: string;
  country?: string; asn?: string; domain?: string; category?: string; limit?: string; format: string;
}

export function registerAlertsCommands(program: Command, out: CliOutput = { stdout: process.stdout }): void {
  const alerts = program.command('alerts').description('alerts recorded in the SQLite store');
  registerList(alerts, out);
  registerShow(alerts, out);
  registerAck(alerts, out);
  registerAlertsExport(alerts, out);
}

function registerList(alerts: Command, out: CliOutput): void {
  alerts
    .command('list')
    .description('list alerts, newest first')
    .option('--db <path>', STORE_FLAG_HELP)
    .option('--since <time>', 'alerts at or after (date or ISO 8601 time, UTC if no zone)')
    .option('--until <time>', 'alerts before')
    .option('--severity <level>', `at least this severity (${SEVERITY_ORDER.join(', ')})`)
    .option('--rule <id>', 'rule id')
    .option('--device <ip-or-mac>', 'source IP or MAC of the device')
    .option('--country <cc>', 'destination country (ISO 3166 alpha-2)')
    .option('--asn <n>', 'destination AS number')
    .option('--domain <name>', 'destination name or any subdomain of it')
    .option('--category <name>', 'alert category (dji_endpoint, cn_located, ...)')
    .option('--limit <n>', 'at most this many rows (0 = all)', '1000')
    .option('--format <fmt>', 'table, ndjson or csv', 'table')
    .action((flags: AlertListFlags) => {
      const format = parseFormat(flags.format, OUTPUT_FORMATS);
      const filters = dropUndefined<AlertFilters>({
        since: flags.since, until: flags.until, rule: flags.rule, device: flags.device, country: flags.country,
        domain: flags.domain, category: flags.category,
        severity: flags.severity === undefined ? undefined : parseSeverity(flags.severity),
        asn: flags.asn === undefined ? undefined : parseWholeNumber('--asn', flags.asn, 4294967295),
        limit: parseWholeNumber('--limit', flags.limit ?? '1000', Number.MAX_SAFE_INTEGER),
      });
      withReadOnlyStore(flags.db, (db) => {
        const rows = listAlerts(db, filters);
        const printable = format === 'ndjson' ? rows.map((r) => r.record) : rows;
        out.stdout.write(formatRows(printable as unknown as Record<string, unknown>[], ALERT_COLUMNS, format));
      });
    });
}

function registerShow(alerts: Command, out: CliOutput): void {
  alerts
    .command('show <id>')
    .description('one alert with all its evidence and acknowledgements')
    .option('--db <path>', STORE_FLAG_HELP)
    .option('--format <fmt>', 'text or ndjson (the exact record)', 'text')
    .action((id: string, flags: { db?: string; format: string }) => {
      const format = parseFormat(flags.format, ['text', 'ndjson'] as const);
      withReadOnlyStore(flags.db, (db) => {
        const alert = getAlert(db, id);
        if (!alert) throw new GroundwatchError('NOT_FOUND', `no alert with id ${JSON.stringify(id)}`);
        if (format === 'ndjson') {
          out.stdout.write(`${JSON.stringify(alert.record)}\n`);
          return;
        }
        const lines = flatten(alert.record as unknown as Record<string, unknown>);
        lines.push(['stored.repeats', String(alert.repeats)], ['stored.last_seen', alert.last_seen ?? '-']);
        alert.acks.forEach((a, i) => lines.push([`ack.${i}`, `${a.acked_at} by ${a.acked_by}: ${a.note}`]));
        const keyWidth = Math.max(...lines.map(([k]) => k.length));
        out.stdout.write(lines.map(([k, v]) => `${sanitizeForTerminal(k).padEnd(keyWidth)}  ${sanitizeForTerminal(v)}\n`).join(''));
      });
    });
}

function registerAck(alerts: Command, out: CliOutput): void {
  alerts
    .command('ack <id>')
    .description('acknowledge an alert (the alert record is kept unchanged)')
    .requiredOption('--note <text>', 'why it is acknowledged')
    .option('--by <name>', 'who acknowledges (default: the current user)')
    .option('--db <path>', STORE_FLAG_HELP)
    .action((id: string, flags: { db?: string; note: string; by?: string }) => {
      // The one review command that writes: it opens read-write, and says so when this user may not.
      const path = findStore(flags.db).path;
      const db = openStore(path, { mustExist: true });
      try {
        const ack = ackWritable(path, () => ackAlert(db, id, dropUndefined({ note: flags.note, by: flags.by })));
        out.stdout.write(`acknowledged ${sanitizeForTerminal(id)} by ${sanitizeForTerminal(ack.acked_by)} at ${ack.acked_at}\n`);
      } finally {
        db.close();
      }
    });
}

function ackWritable<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (!isReadOnlyError(err)) throw err;
    throw new GroundwatchError('DB_READ_ONLY', `store ${path} is read-only for this user (${err instanceof Error ? err.message : String(err)}); acknowledging writes to it: run alerts ack as the service user (e.g. sudo -u groundwatch groundwatch alerts ack ...)`);
  }
}

function parseSeverity(text: string): Severity {
  const s = text.toLowerCase();
  if ((SEVERITY_ORDER as readonly string[]).includes(s)) return s as Severity;
  throw new GroundwatchError('USAGE', `--severity: expected one of ${SEVERITY_ORDER.join(', ')}, got ${JSON.stringify(text)}`);
}

/** Dotted paths to leaf values, in record order: every piece of evidence on its own line. */
function flatten(value: unknown, prefix = '', acc: [string, string][] = []): [string, string][] {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) acc.push([prefix, Array.isArray(value) ? '[]' : '{}']);
    for (const [k, v] of entries) flatten(v, prefix === '' ? k : `${prefix}.${k}`, acc);
  } else {
    acc.push([prefix, typeof value === 'string' ? value : JSON.stringify(value) ?? '']);
  }
  return acc;
}
