/**
 * `groundwatch runs list|show`: the capture runs in the store. A replay of the
 * same input (the same files' SHA-256s) is a new run beside the earlier ones;
 * the lists (flows, dns, alerts, gaps) show the latest run of each input
 * unless asked for `--run <id>` or `--all-runs`. `latest` marks those runs.
 */
import type { Command } from 'commander';
import { getRun, listRunsPage, type RunRow } from '../sinks/run-queries.js';
import { readableTime } from '../util/readable-time.js';
import { addPageFlags, DB_FLAG_HELP, pageFilters, printPage, type CliOutput, type PageFlags } from './list-flags.js';
import { OUTPUT_FORMATS, type Columns } from './output-format.js';
import { renderLines, type TextLine } from './record-text.js';
import { buildDay, databaseLabel } from '../util/db-label.js';
import { parseFormat, withReadOnlyStore } from './store-command.js';
import { registerStoreShow, type StoreShowFlags } from './store-show.js';

const RUN_COLUMNS: Columns = [
  { key: 'started', header: 'started' },
  'mode',
  { key: 'input', header: 'input', shrink: true, minWidth: 16 },
  'packets',
  { key: 'flows_stored', header: 'flows' },
  { key: 'alerts_stored', header: 'alerts' },
  { key: 'latest_mark', header: 'latest' },
  { key: 'id', header: 'id', shrink: true, minWidth: 8 },
];

export function registerRunsCommands(program: Command, out: CliOutput = { stdout: process.stdout, stderr: process.stderr }): void {
  const runs = program.command('runs').description('capture runs (replays and monitor sessions) recorded in the SQLite store');
  const list = runs
    .command('list')
    .description('list runs, newest first; "latest" marks the runs the other lists show by default')
    .option('--db <path>', DB_FLAG_HELP);
  addPageFlags(list)
    .option('--format <fmt>', 'table, ndjson or csv', 'table')
    .action((flags: PageFlags & { db?: string; format: string }) => {
      const format = parseFormat(flags.format, OUTPUT_FORMATS);
      withReadOnlyStore(flags.db, (db) => {
        printPage(out, listRunsPage(db, pageFilters(flags)), { columns: RUN_COLUMNS, format, toRecord: (r) => r, toCells: runCells });
      });
    });

  registerStoreShow<StoreShowFlags, RunRow>(runs, out, {
    command: 'show <id>',
    description: 'one run (id or unique prefix): inputs with SHA-256, tool version, rule packs, GeoIP databases, counts',
    formatHelp: 'text or ndjson',
    get: getRun,
    records: (run) => [run],
    text: (run) => renderLines(runLines(run)),
  });
}

function runCells(r: RunRow): Record<string, unknown> {
  return {
    ...r,
    started: readableTime(r.started_at),
    input: r.mode === 'monitor' ? `interface ${r.interface ?? '-'}` : r.sources.map((s) => s.path).join(' ') || '-',
    flows_stored: r.stored.flows,
    alerts_stored: r.stored.alerts,
    latest_mark: r.latest ? 'yes' : 'no',
  };
}

function runLines(r: RunRow): TextLine[] {
  const lines: TextLine[] = [
    ['id', r.id],
    ['mode', r.mode],
    ['started', r.started_at],
    ['ended', r.ended_at ?? '- (not ended: still running, or killed)'],
    ['groundwatch', r.tool_version],
    ['latest', r.latest ? 'yes: the lists show this run by default' : 'no: a later run of the same input replaced it in the lists (use --run)'],
  ];
  if (r.interface) lines.push(['interface', r.interface]);
  r.sources.forEach((s, i) => lines.push([`input.${i}`, `${s.path} (${s.format}${s.compressed ? ', gzip' : ''}, ${s.size} bytes, sha256 ${s.sha256})`]));
  (r.rules ?? []).forEach((p, i) => lines.push([`rules.${i}`, p]));
  (r.geoip ?? []).forEach((g, i) =>
    lines.push([`geoip.${i}`, `${g.role}: ${databaseLabel(g.type)}, built ${buildDay(g.build_date)}, ${g.path}${g.sha256 ? `, sha256 ${g.sha256}` : ''}`]),
  );
  lines.push(
    ['packets', String(r.packets)],
    ['anomalies', String(r.anomalies)],
    ['flows', `${r.flows} seen, ${r.stored.flows} stored`],
    ['dns', `${r.stored.dns} stored`],
    ['alerts', `${r.alerts} raised, ${r.stored.alerts} in the store for this run`],
    ['capture gaps', String(r.stored.gaps)],
  );
  return lines;
}
