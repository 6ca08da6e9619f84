/**
 * A `<things> list` command over the store: --db, --since / --until, the
 * command's own filters, the run scope, paging and --format; it reads the store
 * read-only and prints one page (list-flags.ts). alerts, flows, dns and gaps
 * differ only in their filters, their query and how a row prints.
 */
import type { Command } from 'commander';
import type { Page, PageFilters } from '../sinks/query-builder.js';
import type { RunScope } from '../sinks/run-scope.js';
import type { StoreDb } from '../sinks/sqlite-store.js';
import { addPageFlags, addRunFlags, DB_FLAG_HELP, pageFilters, printPage, runScope, type CliOutput, type PageFlags, type PrintOptions, type RunFlags } from './list-flags.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output-format.js';
import { dropUndefined, parseFormat, withReadOnlyStore } from './store-command.js';

export interface StoreListFlags extends RunFlags, PageFlags {
  db?: string;
  since?: string;
  until?: string;
  format: string;
}

export interface StoreListSpec<Flags extends StoreListFlags, Filters, Row> {
  description: string;
  /** Help of --since and --until: what the time is of. */
  since: string;
  until: string;
  /** The command's own filter flags: [flags, help], in help order. */
  options: ReadonlyArray<readonly [string, string]>;
  formatHelp?: string;
  /** The command's own flags as query filters (parsed; undefined where not given). */
  filters(flags: Flags): Partial<Filters>;
  page(db: StoreDb, filters: Filters): Page<Row>;
  print(format: OutputFormat): Omit<PrintOptions<Row>, 'format'>;
}

export function registerStoreList<Flags extends StoreListFlags, Filters extends PageFilters & RunScope, Row>(
  parent: Command,
  out: CliOutput,
  spec: StoreListSpec<Flags, Filters, Row>,
): Command {
  const list = parent
    .command('list')
    .description(spec.description)
    .option('--db <path>', DB_FLAG_HELP)
    .option('--since <time>', spec.since)
    .option('--until <time>', spec.until);
  for (const [flags, help] of spec.options) list.option(flags, help);
  addRunFlags(list);
  addPageFlags(list)
    .option('--format <fmt>', spec.formatHelp ?? 'table, ndjson or csv', 'table')
    .action((flags: Flags) => {
      const format = parseFormat(flags.format, OUTPUT_FORMATS);
      // Parsed in this order, so the first bad flag is the one reported: own filters, run scope, paging.
      const filters = dropUndefined({ since: flags.since, until: flags.until, ...spec.filters(flags), ...runScope(flags), ...pageFilters(flags) }) as Filters;
      withReadOnlyStore(flags.db, (db) => {
        printPage(out, spec.page(db, filters), { format, ...spec.print(format) });
      });
    });
  return list;
}
