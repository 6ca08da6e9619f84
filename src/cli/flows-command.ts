/**
 * `groundwatch flows list|show`: read flows back from the SQLite store. Thin:
 * it parses flags, calls the store's queries and prints.
 */
import type { Command } from 'commander';
import { getFlowDetail, type FlowDetail } from '../sinks/flow-detail.js';
import { listFlowsPage, type FlowFilters, type FlowRow } from '../sinks/queries.js';
import { ALERT_COLUMNS, alertCells } from './alert-view.js';
import type { CliOutput } from './list-flags.js';
import { registerStoreList, type StoreListFlags } from './store-list.js';
import { registerStoreShow, type StoreShowFlags } from './store-show.js';
import { formatRows, type Columns, type OutputFormat } from './output-format.js';
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
    capture_file: r.record.groundwatch?.capture?.file ?? null,
    capture_packet: r.record.groundwatch?.capture?.packet ?? null,
  };
}

interface FlowListFlags extends StoreListFlags {
  ip?: string; src?: string; dst?: string; domain?: string; port?: string; transport?: string; country?: string; asn?: string;
}

export function registerFlowsCommands(program: Command, out: CliOutput = defaultOutput): void {
  const flows = program.command('flows').description('flows recorded in the SQLite store');
  registerStoreList<FlowListFlags, FlowFilters, FlowRow>(flows, out, {
    description: 'list flows, newest first (default: the latest run of each input)',
    since: 'flows starting at or after (date or ISO 8601 time, UTC if no zone)',
    until: 'flows starting before',
    options: [
      ['--ip <addr>', 'either end of the flow'],
      ['--src <addr>', 'source (client) address'],
      ['--dst <addr>', 'destination (server) address'],
      ['--domain <name>', 'destination name or any subdomain of it'],
      ['--port <n>', 'destination port'],
      ['--transport <proto>', 'tcp, udp, ...'],
      ['--country <cc>', 'destination country (ISO 3166 alpha-2)'],
      ['--asn <n>', 'destination AS number (37963 or AS37963)'],
    ],
    filters: (flags) => ({
      ip: flags.ip, src: flags.src, dst: flags.dst, domain: flags.domain, transport: flags.transport, country: flags.country,
      port: flags.port === undefined ? undefined : parseWholeNumber('--port', flags.port, 65535),
      asn: flags.asn === undefined ? undefined : parseAsn(flags.asn),
    }),
    page: listFlowsPage,
    print: (format) => ({ columns: format === 'csv' ? FLOW_CSV_COLUMNS : FLOW_COLUMNS, toRecord: (r) => r.record, toCells: flowCells }),
  });

  registerStoreShow<StoreShowFlags & { run?: string }, FlowDetail>(flows, out, {
    command: 'show <uid>',
    description: 'one flow (uid or unique prefix) with the DNS messages it carried and the alerts raised on it',
    options: [['--run <id>', 'the flow as recorded by this run (default: the latest run that has it)']],
    formatHelp: 'text or ndjson (flow, DNS and alert records, one per line)',
    get: (db, uid, flags) => getFlowDetail(db, uid, dropUndefined({ run: flags.run })),
    records: (detail) => [detail.flow.record, ...detail.dns, ...detail.alerts.map((a) => a.record)],
    text: (detail) => flowText(detail, out),
  });
}

function flowText(detail: FlowDetail, out: CliOutput): string {
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
  return parts.join('');
}

export type { OutputFormat };
