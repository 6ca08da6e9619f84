/**
 * `groundwatch alerts list|show|ack`: review alerts in the SQLite store.
 * Acknowledging adds a row to alert_acks; the alert itself is never edited.
 * An alert is one finding (its id comes from the flow and the rule, not the
 * run): a re-replay of the same capture updates it with the latest run's
 * evidence, and its acknowledgements stay attached.
 */
import type { Command } from 'commander';
import { GroundwatchError } from '../errors.js';
import { SEVERITY_ORDER, type Severity } from '../types.js';
import { ackAlert, getAlert, listAlertsPage, type AlertFilters, type AlertRow } from '../sinks/queries.js';
import { isReadOnlyError, openStore } from '../sinks/sqlite-store.js';
import { findStore } from './store-discovery.js';
import { registerAlertsExport } from './alerts-export.js';
import { ALERT_COLUMNS, ALERT_CSV_COLUMNS, alertCells, alertWithAcks, confidenceLetter } from './alert-view.js';
import { DB_FLAG_HELP, type CliOutput } from './list-flags.js';
import { registerStoreList, type StoreListFlags } from './store-list.js';
import { registerStoreShow, type StoreShowFlags } from './store-show.js';
import { sanitizeForTerminal } from './output-format.js';
import { flatten, renderLines, type TextLine } from './record-text.js';
import { dropUndefined, parseAsn } from './store-command.js';
import { colourSeverity, colourWanted } from './terminal-style.js';

export { ALERT_COLUMNS };

interface AlertListFlags extends StoreListFlags {
  severity?: string; rule?: string; device?: string; country?: string; asn?: string; domain?: string; category?: string; unacked?: boolean;
}

export function registerAlertsCommands(program: Command, out: CliOutput = { stdout: process.stdout, stderr: process.stderr }): void {
  const alerts = program.command('alerts').description('alerts recorded in the SQLite store');
  registerList(alerts, out);
  registerShow(alerts, out);
  registerAck(alerts, out);
  registerAlertsExport(alerts, out);
}

function registerList(alerts: Command, out: CliOutput): void {
  registerStoreList<AlertListFlags, AlertFilters, AlertRow>(alerts, out, {
    description: 'list alerts, newest first (default: those raised by the latest run of each input)',
    since: 'alerts at or after (date or ISO 8601 time, UTC if no zone)',
    until: 'alerts before',
    options: [
      ['--severity <level>', `at least this severity (${SEVERITY_ORDER.join(', ')})`],
      ['--rule <id>', 'rule id'],
      ['--device <ip-or-mac>', 'source IP or MAC of the device'],
      ['--country <cc>', 'destination country (ISO 3166 alpha-2)'],
      ['--asn <n>', 'destination AS number (37963 or AS37963)'],
      ['--domain <name>', 'destination name or any subdomain of it'],
      ['--category <name>', 'alert category (dji_endpoint, cn_located, ...)'],
      ['--unacked', 'only alerts nobody has acknowledged'],
    ],
    formatHelp: 'table, ndjson (records with their acknowledgements) or csv (all the evidence)',
    filters: (flags) => ({
      rule: flags.rule, device: flags.device, country: flags.country, domain: flags.domain, category: flags.category, unacked: flags.unacked,
      severity: flags.severity === undefined ? undefined : parseSeverity(flags.severity),
      asn: flags.asn === undefined ? undefined : parseAsn(flags.asn),
    }),
    page: listAlertsPage,
    print: (format) => ({ columns: format === 'csv' ? ALERT_CSV_COLUMNS : ALERT_COLUMNS, toRecord: alertWithAcks, toCells: alertCells }),
  });
}

function registerShow(alerts: Command, out: CliOutput): void {
  registerStoreShow<StoreShowFlags, AlertRow>(alerts, out, {
    command: 'show <id>',
    description: 'one alert (id or unique prefix) with all its evidence and acknowledgements',
    formatHelp: 'text or ndjson (the record with groundwatch.acknowledgements)',
    get: (db, id) => {
      const alert = getAlert(db, id);
      if (!alert) throw new GroundwatchError('NOT_FOUND', `no alert with id ${JSON.stringify(id)}`);
      return alert;
    },
    records: (alert) => [alertWithAcks(alert)],
    text: (alert) => alertText(alert, colourWanted(out.stdout)),
  });
}

function alertText(alert: AlertRow, colour: boolean): string {
  const rec = alert.record;
  const head: TextLine[] = [['alert', `${alert.id}  ${alert.severity}, confidence ${confidenceLetter(rec) ?? '-'}  ${rec.rule.name}`]];
  const lines = [...head, ...flatten(rec as unknown as Record<string, unknown>)];
  lines.push(['stored.repeats', String(alert.repeats)], ['stored.last_seen', alert.last_seen ?? '-']);
  if (alert.acks.length === 0) lines.push(['ack', 'none']);
  alert.acks.forEach((a, i) => lines.push([`ack.${i}`, `${a.acked_at} by ${a.acked_by}: ${a.note}`]));
  const text = renderLines(lines);
  if (!colour) return text;
  // The first line only; its text was neutralised by renderLines, the colour codes are ours.
  const sev = sanitizeForTerminal(alert.severity);
  return text.replace(`  ${sev},`, `  ${colourSeverity(alert.severity, sev)},`);
}

function registerAck(alerts: Command, out: CliOutput): void {
  alerts
    .command('ack <id>')
    .description('acknowledge an alert (id or unique prefix); the alert record is kept unchanged')
    // A missing --note is a usage error (exit 2, routed by usage-errors.ts), not a policy violation (1).
    .requiredOption('--note <text>', 'why it is acknowledged')
    .option('--by <name>', 'who acknowledges (default: the current user)')
    .option('--db <path>', DB_FLAG_HELP)
    .action((id: string, flags: { db?: string; note: string; by?: string }) => {
      // The one review command that writes: it opens read-write, and says so when this user may not.
      const path = findStore(flags.db).path;
      const db = openStore(path, { mustExist: true });
      try {
        const ack = ackWritable(path, () => ackAlert(db, id, dropUndefined({ note: flags.note, by: flags.by })));
        out.stdout.write(`acknowledged ${sanitizeForTerminal(ack.alert_id)} by ${sanitizeForTerminal(ack.acked_by)} at ${ack.acked_at}\n`);
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
