/**
 * `groundwatch flows list|show`: read flows back from the SQLite store. Thin:
 * it parses flags, calls the store's queries and prints.
 */
import type { Command } from 'commander';
import { getFlowDetail } from '../sinks/flow-detail.js';
import { listFlowsPage, type FlowFilters, type FlowRow } from '../sinks/queries.js';
import { ALERT_COLUMNS, alertCells } from './alert-view.js';
import { addPageFlags, addRunFlags, DB_FLAG_HELP, pageFilters, printPage, runScope, type CliOutput, type PageFlags, type RunFlags } from './list-flags.js';
import { formatRows, OUTPUT_FORMATS, type Columns, type OutputFormat } from './output-format.js';
import { flattenForText } from './record-text.js';
import { dropUndefined, parseAsn, parseFormat, parseWholeNumber, withReadOnlyStore } from './store-command.js';
import { tableStyleFor } from './terminal-style.js';
import { readableTime } from '../util/readable-time.js';

export type { CliOutput };
export { dropUndefined, parseFormat, parseWholeNumber, withReadOnlyStore };

const defaultOutput: CliOutput = { stdout: process.stdout, stderr: process.stderr };

/** The table fits 120 columns: one destination column (address:port/transport), the name with how it was learned. */
export const FLOW_COLUMNS: Columns = [
  { key: 'start', header: 'start' },
  { key: 'source_ip', header: 'source', shrink: true, minWidth: 12 },
  { key: 'destination', header: 'destination', shrink: true, minWidth: 15 },
  { key: 'name', header: 'name', shrink: true, minWidth: 16 },
  { key: 'country', header: 'cc' },
  'asn',
  { key: 'source_bytes', header: 'out' },
  { key: 'destination_bytes', header: 'in' },
  { key: 'uid', header: 'uid', shrink: true, minWidth: 10 },
];

/** CSV carries every column the store has for a flow, and where it came from. */
export const FLOW_CSV_COLUMNS: Columns = [
  'ts_start', 'ts_end', 'transport', 'source_ip', 'source_port', 'source_mac', 'destination_ip', 'destination_port',
  'destination_domain', 'name_source', 'country', 'registrant_country', 'asn', 'as_org', 'operator_country',
  'source_bytes', 'source_packets', 'destination_bytes', 'destination_packets', 'end_reason', 'community_id',
  'run_id', 'capture_file', 'capture_packet', 'uid',
];

function flowCells(r: FlowRow): Record<string, unknown> {
  const ip = r.destination_ip ?? '-';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return {
    ...r,
    start: readableTime(r.ts_start),
    destination: `${host}:${r.destination_port ?? '-'}/${r.transport ?? '-'}`,
    name: r.destination_domain === null ? null : `${r.destination_domain}${r.name_source ? ` (${r.name_source})` : ''}`,
    capture_file: r.record.groundwatch.capture?.file ?? null,
    capture_packet: r.record.groundwatch.capture?.packet ?? null,
  };
}

interface FlowListFlags extends RunFlags, PageFlags {
  db?: string; since?: string; until?: string; ip?: string; src?: string; dst?: string; domain?: string;
  port?: string; transport?: string; country?: string; asn?: string; format: string;
}

export function registerFlowsCommands(program: Command, out: CliOutput = defaultOutput): void {
  const flows = program.command('flows').description('flows recorded in the SQLite store');
  const list = flows
    .command('list')
    .description('list flows, newest first (default: the latest run of each input)')
    .option('--db <path>', DB_FLAG_HELP)
    .option('--since <time>', 'flows starting at or after (date or ISO 8601 time, UTC if no zone)')
    .option('--until <time>', 'flows starting before')
    .option('--ip <addr>', 'either end of the flow')
    .option('--src <addr>', 'source (client) address')
    .option('--dst <addr>', 'destination (server) address')
    .option('--domain <name>', 'destination name or any subdomain of it')
    .option('--port <n>', 'destination port')
    .option('--transport <proto>', 'tcp, udp, ...')
    .option('--country <cc>', 'destination country (ISO 3166 alpha-2)')
    .option('--asn <n>', 'destination AS number (37963 or AS37963)');
  addRunFlags(list);
  addPageFlags(list)
    .option('--format <fmt>', 'table, ndjson or csv', 'table')
    .action((flags: FlowListFlags) => {
      const format = parseFormat(flags.format, OUTPUT_FORMATS);
      const filters = dropUndefined<FlowFilters>({
        since: flags.since, until: flags.until, ip: flags.ip, src: flags.src, dst: flags.dst,
        domain: flags.domain, transport: flags.transport, country: flags.country,
        port: flags.port === undefined ? undefined : parseWholeNumber('--port', flags.port, 65535),
        asn: flags.asn === undefined ? undefined : parseAsn(flags.asn),
        ...runScope(flags),
        ...pageFilters(flags),
      });
      withReadOnlyStore(flags.db, (db) => {
        printPage(out, listFlowsPage(db, filters), { columns: format === 'csv' ? FLOW_CSV_COLUMNS : FLOW_COLUMNS, format, toRecord: (r) => r.record, toCells: flowCells });
      });
    });

  flows
    .command('show <uid>')
    .description('one flow (uid or unique prefix) with the DNS messages it carried and the alerts raised on it')
    .option('--db <path>', DB_FLAG_HELP)
    .option('--run <id>', 'the flow as recorded by this run (default: the latest run that has it)')
    .option('--format <fmt>', 'text or ndjson (flow, DNS and alert records, one per line)', 'text')
    .action((uid: string, flags: { db?: string; run?: string; format: string }) => {
      const format = parseFormat(flags.format, ['text', 'ndjson'] as const);
      withReadOnlyStore(flags.db, (db) => {
        const detail = getFlowDetail(db, uid, dropUndefined({ run: flags.run }));
        if (format === 'ndjson') {
          const records = [detail.flow.record, ...detail.dns, ...detail.alerts.map((a) => a.record)];
          out.stdout.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
          return;
        }
        const parts = [flattenForText(detail.flow.record as unknown as Record<string, unknown>)];
        parts.push(`\nDNS messages in this flow: ${detail.dns.length}\n`);
        if (detail.dns.length > 0) {
          const rows = detail.dns.map((d) => ({
            time: readableTime(d['@timestamp']), type: d.dns.type, id: d.dns.id, name: d.dns.question.name, qtype: d.dns.question.type,
            rcode: d.dns.response_code ?? '', answers: (d.dns.resolved_ip ?? []).join(' '),
          }));
          parts.push(formatRows(rows, ['time', 'type', 'id', { key: 'name', shrink: true }, 'qtype', 'rcode', { key: 'answers', shrink: true }], 'table', tableStyleFor(out.stdout)));
        }
        parts.push(`\nAlerts on this flow: ${detail.alerts.length}\n`);
        if (detail.alerts.length > 0) parts.push(formatRows(detail.alerts.map(alertCells), ALERT_COLUMNS, 'table', tableStyleFor(out.stdout)));
        out.stdout.write(parts.join(''));
      });
    });
}


export type { OutputFormat };
