/** `groundwatch dns list`: DNS queries and answers recorded in the SQLite store. */
import type { Command } from 'commander';
import { listDnsPage, type DnsFilters, type DnsRow } from '../sinks/dns-queries.js';
import { readableTime } from '../util/readable-time.js';
import { addPageFlags, addRunFlags, DB_FLAG_HELP, pageFilters, printPage, runScope, type CliOutput, type PageFlags, type RunFlags } from './list-flags.js';
import { OUTPUT_FORMATS, type Columns } from './output-format.js';
import { dropUndefined, parseFormat, withReadOnlyStore } from './store-command.js';

const DNS_COLUMNS: Columns = [
  { key: 'time', header: 'time' },
  { key: 'dns_type', header: 'type' },
  { key: 'source_ip', header: 'client', shrink: true, minWidth: 12 },
  { key: 'destination_ip', header: 'resolver', shrink: true, minWidth: 12 },
  { key: 'dns_id', header: 'id' },
  { key: 'dns_question_name', header: 'name', shrink: true, minWidth: 16 },
  { key: 'dns_question_type', header: 'qtype' },
  { key: 'dns_response_code', header: 'rcode' },
  { key: 'answers', header: 'answers', shrink: true, minWidth: 12 },
  { key: 'uid', header: 'flow', shrink: true, minWidth: 8 },
];

interface DnsListFlags extends RunFlags, PageFlags {
  db?: string; since?: string; until?: string; name?: string; ip?: string; qtype?: string; flow?: string; format: string;
}

export function registerDnsCommands(program: Command, out: CliOutput = { stdout: process.stdout, stderr: process.stderr }): void {
  const dns = program.command('dns').description('DNS messages recorded in the SQLite store');
  const list = dns
    .command('list')
    .description('list DNS queries and answers, newest first (default: the latest run of each input)')
    .option('--db <path>', DB_FLAG_HELP)
    .option('--since <time>', 'at or after (date or ISO 8601 time, UTC if no zone)')
    .option('--until <time>', 'before')
    .option('--name <name>', 'asked name or any subdomain of it')
    .option('--ip <addr>', 'client or resolver address')
    .option('--qtype <type>', 'question type: A, AAAA, HTTPS, ...')
    .option('--flow <uid>', 'messages of this flow');
  addRunFlags(list);
  addPageFlags(list)
    .option('--format <fmt>', 'table, ndjson or csv', 'table')
    .action((flags: DnsListFlags) => {
      const format = parseFormat(flags.format, OUTPUT_FORMATS);
      const filters = dropUndefined<DnsFilters>({
        since: flags.since, until: flags.until, name: flags.name, ip: flags.ip, qtype: flags.qtype, uid: flags.flow,
        ...runScope(flags),
        ...pageFilters(flags),
      });
      withReadOnlyStore(flags.db, (db) => {
        printPage(out, listDnsPage(db, filters), { columns: DNS_COLUMNS, format, toRecord: (r) => r.record, toCells: dnsCells });
      });
    });
}

function dnsCells(r: DnsRow): Record<string, unknown> {
  return { ...r, time: readableTime(r.ts), answers: (r.record.dns.resolved_ip ?? []).join(' ') };
}
