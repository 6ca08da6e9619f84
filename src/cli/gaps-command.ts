/** `groundwatch gaps list`: times the monitor was not capturing (interface down, capture worker restarted). */
import type { Command } from 'commander';
import { listGapsPage, type GapFilters, type GapRow } from '../sinks/gap-queries.js';
import { readableTime } from '../util/readable-time.js';
import { addPageFlags, addRunFlags, DB_FLAG_HELP, pageFilters, printPage, runScope, type CliOutput, type PageFlags, type RunFlags } from './list-flags.js';
import { OUTPUT_FORMATS, type Columns } from './output-format.js';
import { dropUndefined, parseFormat, withReadOnlyStore } from './store-command.js';

const GAP_COLUMNS: Columns = [
  { key: 'start', header: 'start' },
  { key: 'end', header: 'end' },
  { key: 'duration', header: 'seconds' },
  'interface',
  { key: 'reason', header: 'reason', shrink: true },
  { key: 'run_id', header: 'run', shrink: true, minWidth: 8 },
];

interface GapListFlags extends RunFlags, PageFlags {
  db?: string; since?: string; until?: string; interface?: string; format: string;
}

export function registerGapsCommands(program: Command, out: CliOutput = { stdout: process.stdout, stderr: process.stderr }): void {
  const gaps = program.command('gaps').description('capture gaps recorded in the SQLite store (live monitoring)');
  const list = gaps
    .command('list')
    .description('list capture gaps, newest first: no packet was seen in these windows, so no alert could be raised')
    .option('--db <path>', DB_FLAG_HELP)
    .option('--since <time>', 'gaps starting at or after (date or ISO 8601 time, UTC if no zone)')
    .option('--until <time>', 'gaps starting before')
    .option('--interface <name>', 'capture interface');
  addRunFlags(list);
  addPageFlags(list)
    .option('--format <fmt>', 'table, ndjson or csv', 'table')
    .action((flags: GapListFlags) => {
      const format = parseFormat(flags.format, OUTPUT_FORMATS);
      const filters = dropUndefined<GapFilters>({
        since: flags.since, until: flags.until, interface: flags.interface, ...runScope(flags), ...pageFilters(flags),
      });
      withReadOnlyStore(flags.db, (db) => {
        printPage(out, listGapsPage(db, filters), { columns: GAP_COLUMNS, format, toRecord: (r) => r.record, toCells: gapCells });
      });
    });
}

function gapCells(r: GapRow): Record<string, unknown> {
  const seconds = r.ts_end === null ? null : (Date.parse(r.ts_end) - Date.parse(r.ts_start)) / 1000;
  return { ...r, start: readableTime(r.ts_start), end: readableTime(r.ts_end) ?? 'open', duration: seconds === null ? null : Number(seconds.toFixed(3)) };
}
