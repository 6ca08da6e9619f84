/**
 * Flags every store list shares (run scope, paging, format) and how a page is
 * printed: rows on stdout; when more rows match than the page holds, one line
 * on stderr says so and how to get the rest, so a list never stops silently.
 */
import type { Command } from 'commander';
import type { Page } from '../sinks/query-builder.js';
import { DEFAULT_LIST_LIMIT } from '../sinks/query-builder.js';
import type { RunScope } from '../sinks/run-scope.js';
import { neutralizeTerminalLine } from '../util/terminal-text.js';
import { formatRows, type Columns, type OutputFormat } from './output-format.js';
import { tableStyleFor, type StyleTarget } from './terminal-style.js';
import { GroundwatchError } from '../errors.js';
import { parseWholeNumber } from './store-command.js';

export interface CliOutput {
  stdout: { write(text: string): unknown } & StyleTarget;
  stderr?: { write(text: string): unknown };
}

export { STORE_FLAG_HELP as DB_FLAG_HELP } from './store-discovery.js';

export function addRunFlags(cmd: Command): Command {
  return cmd
    .option('--run <id>', 'only this run (id or unique prefix; see `groundwatch runs list`)')
    .option('--all-runs', 'every run (default: the latest run of each input, and live runs)');
}

export function addPageFlags(cmd: Command): Command {
  return cmd
    .option('--limit <n>', `at most this many rows (0 = all)`, String(DEFAULT_LIST_LIMIT))
    .option('--offset <n>', 'skip this many rows first (the next page: --offset <previous offset + limit>)', '0');
}

export interface RunFlags { run?: string; allRuns?: boolean }
export interface PageFlags { limit?: string; offset?: string }

export function runScope(flags: RunFlags): RunScope {
  if (flags.run !== undefined && flags.allRuns) throw new GroundwatchError('USAGE', '--run and --all-runs exclude each other');
  return { ...(flags.run !== undefined ? { run: flags.run } : {}), ...(flags.allRuns ? { allRuns: true } : {}) };
}

export function pageFilters(flags: PageFlags): { limit: number; offset: number } {
  return {
    limit: parseWholeNumber('--limit', flags.limit ?? String(DEFAULT_LIST_LIMIT), Number.MAX_SAFE_INTEGER),
    offset: parseWholeNumber('--offset', flags.offset ?? '0', Number.MAX_SAFE_INTEGER),
  };
}

export interface PrintOptions<T> {
  columns: Columns;
  format: OutputFormat;
  toRecord: (row: T) => unknown;
  toCells?: (row: T) => Record<string, unknown>;
}

/** Prints one page; NDJSON rows are `toRecord(row)`, tables and CSV use the columns. */
export function printPage<T>(out: CliOutput, page: Page<T>, opts: PrintOptions<T>): void {
  const { columns, format } = opts;
  if (format === 'ndjson') out.stdout.write(page.rows.map((r) => `${JSON.stringify(opts.toRecord(r))}\n`).join(''));
  else out.stdout.write(formatRows(page.rows.map((r) => opts.toCells?.(r) ?? (r as Record<string, unknown>)), columns, format, tableStyleFor(out.stdout)));
  if (!page.more) return;
  const first = page.offset + 1;
  const last = page.offset + page.rows.length;
  const line = `groundwatch: rows ${first}-${last} shown, more match: --offset ${last} for the next page, --limit 0 for all`;
  (out.stderr ?? process.stderr).write(`${neutralizeTerminalLine(line)}\n`);
}
