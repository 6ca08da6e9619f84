/**
 * A `<thing> show <id>` command over the store: --db, the command's own
 * options, --format text|ndjson; it reads the store read-only and prints one
 * item. alerts, flows and runs differ only in how the item is found and printed.
 */
import type { Command } from 'commander';
import type { StoreDb } from '../sinks/sqlite-store.js';
import { DB_FLAG_HELP, type CliOutput } from './list-flags.js';
import { parseFormat, withReadOnlyStore } from './store-command.js';

export interface StoreShowFlags {
  db?: string;
  format: string;
}

export interface StoreShowSpec<Flags extends StoreShowFlags, Item> {
  /** `show <id>`, with the argument's name. */
  command: string;
  description: string;
  /** The command's own options: [flags, help], in help order. */
  options?: ReadonlyArray<readonly [string, string]>;
  /** Help of --format: what the NDJSON lines are. */
  formatHelp: string;
  get(db: StoreDb, id: string, flags: Flags): Item;
  /** The NDJSON lines, one record each. */
  records(item: Item): unknown[];
  text(item: Item): string;
}

export function registerStoreShow<Flags extends StoreShowFlags, Item>(parent: Command, out: CliOutput, spec: StoreShowSpec<Flags, Item>): Command {
  const show = parent.command(spec.command).description(spec.description).option('--db <path>', DB_FLAG_HELP);
  for (const [flags, help] of spec.options ?? []) show.option(flags, help);
  return show.option('--format <fmt>', spec.formatHelp, 'text').action((id: string, flags: Flags) => {
    const format = parseFormat(flags.format, ['text', 'ndjson'] as const);
    withReadOnlyStore(flags.db, (db) => {
      const item = spec.get(db, id, flags);
      out.stdout.write(format === 'ndjson' ? spec.records(item).map((r) => `${JSON.stringify(r)}\n`).join('') : spec.text(item));
    });
  });
}
