/**
 * `groundwatch flows list`: read flows back from the SQLite store. Thin: it
 * parses flags, calls listFlows and prints through formatRows.
 */
import type { Command } from 'commander';
import { GroundwatchError } from '../errors.js';
import { listFlows, type FlowFilters } from '../sinks/queries.js';
import { openStore, type StoreDb } from '../sinks/sqlite-store.js';
import { findStore, STORE_FLAG_HELP } from './store-discovery.js';
import { formatRows, OUTPUT_FORMATS, type Columns, type OutputFormat } from './output-format.js';
import { withFlagNames } from './store-filter-errors.js';
import { wholeNumber } from './whole-number.js';

export interface CliOutput {
  stdout: { write(text: string): unknown };
}

const defaultOutput: CliOutput = { stdout: process.stdout };

export const FLOW_COLUMNS: Columns = [
  { key: 'ts_start', header: 'start' },
  'transport',
  { key: 'source_ip', header: 'source.ip' },
  { key: 'source_port', header: 'sport' },
  { key: 'destination_ip', header: 'destination.ip' },
  { key: 'destination_port', header: 'dport' },
  { key: 'destination_domain', header: 'destination.domain' },
  { key: 'name_source', header: 'name_from' },
  'country',
  'asn',
  { key: 'as_org', header: 'as_org', maxWidth: 32 },
  { key: 'source_bytes', header: 'bytes_out' },
  { key: 'destination_bytes', header: 'bytes_in' },
  'end_reason',
];

interface FlowListFlags {
  db?: string; since?: string; until?: string; ip?: string; src?: string; dst?: string; domain?: string;
  port?: string; transport?: string; country?: string; limit?: string; format: string;
}

export function registerFlowsCommands(program: Command, out: CliOutput = defaultOutput): void {
  const flows = program.command('flows').description('flows recorded in the SQLite store');
  flows
    .command('list')
    .description('list flows, newest first')
    .option('--db <path>', STORE_FLAG_HELP)
    .option('--since <time>', 'flows starting at or after (date or ISO 8601 time, UTC if no zone)')
    .option('--until <time>', 'flows starting before')
    .option('--ip <addr>', 'either end of the flow')
    .option('--src <addr>', 'source (client) address')
    .option('--dst <addr>', 'destination (server) address')
    .option('--domain <name>', 'destination name or any subdomain of it')
    .option('--port <n>', 'destination port')
    .option('--transport <proto>', 'tcp, udp, ...')
    .option('--country <cc>', 'destination country (ISO 3166 alpha-2)')
    .option('--limit <n>', 'at most this many rows (0 = all)', '1000')
    .option('--format <fmt>', 'table, ndjson or csv', 'table')
    .action((flags: FlowListFlags) => {
      const format = parseFormat(flags.format, OUTPUT_FORMATS);
      const filters: FlowFilters = {
        since: flags.since, until: flags.until, ip: flags.ip, src: flags.src, dst: flags.dst,
        domain: flags.domain, transport: flags.transport, country: flags.country,
        port: flags.port === undefined ? undefined : parseWholeNumber('--port', flags.port, 65535),
        limit: parseWholeNumber('--limit', flags.limit ?? '1000', Number.MAX_SAFE_INTEGER),
      };
      withReadOnlyStore(flags.db, (db) => {
        const rows = listFlows(db, dropUndefined(filters));
        const printable = format === 'ndjson' ? rows.map((r) => r.record) : rows;
        out.stdout.write(formatRows(printable as unknown as Record<string, unknown>[], FLOW_COLUMNS, format));
      });
    });
}

/** Review commands read and never write (readonly, fileMustExist): see sinks/sqlite-store.ts. */
export function withReadOnlyStore<T>(dbPath: string | undefined, fn: (db: StoreDb) => T): T {
  const db = openStore(findStore(dbPath).path, { readonly: true });
  try {
    return withFlagNames(() => fn(db));
  } finally {
    db.close();
  }
}

export function parseFormat<F extends string>(text: string, allowed: readonly F[]): F {
  if ((allowed as readonly string[]).includes(text)) return text as F;
  throw new GroundwatchError('USAGE', `--format: expected one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
}

export function parseWholeNumber(flag: string, text: string, max: number): number {
  const n = wholeNumber(text);
  if (n === undefined || n > max) {
    throw new GroundwatchError('USAGE', `${flag}: expected a whole number 0..${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export type { OutputFormat };
