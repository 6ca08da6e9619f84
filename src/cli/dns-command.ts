/** `groundwatch dns list`: DNS queries and answers recorded in the SQLite store. */
import type { Command } from 'commander';
import { listDnsPage, type DnsFilters, type DnsRow } from '../sinks/dns-queries.js';
import { readableTime } from '../util/readable-time.js';
import type { CliOutput } from './list-flags.js';
import type { Columns } from './output-format.js';
import { registerStoreList, type StoreListFlags } from './store-list.js';

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

interface DnsListFlags extends StoreListFlags {
  name?: string; ip?: string; qtype?: string; flow?: string;
}

export function registerDnsCommands(program: Command, out: CliOutput = { stdout: process.stdout, stderr: process.stderr }): void {
  const dns = program.command('dns').description('DNS messages recorded in the SQLite store');
  registerStoreList<DnsListFlags, DnsFilters, DnsRow>(dns, out, {
    description: 'list DNS queries and answers, newest first (default: the latest run of each input)',
    since: 'at or after (date or ISO 8601 time, UTC if no zone)',
    until: 'before',
    options: [
      ['--name <name>', 'asked name or any subdomain of it'],
      ['--ip <addr>', 'client or resolver address'],
      ['--qtype <type>', 'question type: A, AAAA, HTTPS, ...'],
      ['--flow <uid>', 'messages of this flow'],
    ],
    filters: (flags) => ({ name: flags.name, ip: flags.ip, qtype: flags.qtype, uid: flags.flow }),
    page: listDnsPage,
    print: () => ({ columns: DNS_COLUMNS, toRecord: (r) => r.record, toCells: dnsCells }),
  });
}

function dnsCells(r: DnsRow): Record<string, unknown> {
  return { ...r, time: readableTime(r.ts), answers: (r.record.dns.resolved_ip ?? []).join(' ') };
}
