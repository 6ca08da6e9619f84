/** `groundwatch gaps list`: times the monitor was not capturing (interface down, capture worker restarted). */
import type { Command } from 'commander';
import { listGapsPage, type GapFilters, type GapRow } from '../sinks/gap-queries.js';
import { readableTime } from '../util/readable-time.js';
import type { CliOutput } from './list-flags.js';
import type { Columns } from './output-format.js';
import { registerStoreList, type StoreListFlags } from './store-list.js';

const GAP_COLUMNS: Columns = [
  { key: 'start', header: 'start' },
  { key: 'end', header: 'end' },
  { key: 'duration', header: 'seconds' },
  'interface',
  { key: 'reason', header: 'reason', shrink: true },
  { key: 'run_id', header: 'run', shrink: true, minWidth: 8 },
];

interface GapListFlags extends StoreListFlags {
  interface?: string;
}

export function registerGapsCommands(program: Command, out: CliOutput = { stdout: process.stdout, stderr: process.stderr }): void {
  const gaps = program.command('gaps').description('capture gaps recorded in the SQLite store (live monitoring)');
  registerStoreList<GapListFlags, GapFilters, GapRow>(gaps, out, {
    description: 'list capture gaps, newest first: no packet was seen in these windows, so no alert could be raised',
    since: 'gaps starting at or after (date or ISO 8601 time, UTC if no zone)',
    until: 'gaps starting before',
    options: [['--interface <name>', 'capture interface']],
    filters: (flags) => ({ interface: flags.interface }),
    page: listGapsPage,
    print: () => ({ columns: GAP_COLUMNS, toRecord: (r) => r.record, toCells: gapCells }),
  });
}

function gapCells(r: GapRow): Record<string, unknown> {
  const seconds = r.ts_end === null ? null : (Date.parse(r.ts_end) - Date.parse(r.ts_start)) / 1000;
  return { ...r, start: readableTime(r.ts_start), end: readableTime(r.ts_end) ?? 'open', duration: seconds === null ? null : Number(seconds.toFixed(3)) };
}
