/**
 * `groundwatch report`: the store's findings for a window, run or device as one HTML file
 * (or JSON) a commander, a DPO or a reviewer can read. Thin: flags in, reportFromStore,
 * writeReport.
 */
import { Option, type Command } from 'commander';
import { loadConfigFile } from '../config/config-file.js';
import { GroundwatchError } from '../errors.js';
import { reportFromStore } from '../report/from-store.js';
import { reportFormatFor, reportText, writeReport } from '../report/write.js';
import { defaultDbPath } from '../sinks/sqlite-store.js';
import { withReadOnlyStore } from './flows-command.js';
import { printErrLine } from './print.js';

interface ReportFlags {
  db?: string;
  run?: string;
  since?: string;
  until?: string;
  device?: string[];
  out?: string;
  format?: string;
  unit?: string;
  config?: string;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .summary('write a self-contained HTML (or JSON) report of the store')
    .description(
      'Reads the SQLite store and writes one report: header (unit, devices, window, inputs with SHA-256, rule packs, ' +
        'GeoIP databases), the verdict qualified by capture coverage, the destination inventory, charts, alert cards ' +
        'and, when the store keeps one, the integrity log. Without --run or --since/--until the whole store is reported. ' +
        'The HTML has no script and loads nothing (strict Content-Security-Policy); --format json gives the same ' +
        'content as one document (schema: docs/report.schema.json).',
    )
    .option('--db <path>', 'SQLite store (default: $GROUNDWATCH_DB or ./groundwatch.db)')
    .option('--run <id>', 'only this run (see the runs table / `groundwatch runs list`)')
    .option('--since <time>', 'records at or after (date or ISO 8601 time, UTC if no zone; packet time)')
    .option('--until <time>', 'records before')
    .option('--device <spec...>', 'only these devices: IP, CIDR or MAC')
    .option('--out <file>', 'report file to write (- for stdout)')
    .addOption(new Option('--format <format>', 'html or json (default: json for a .json file, else html)').choices(['html', 'json']))
    .option('--unit <name>', "unit or box name for the header (default: the config file's unit_name)")
    .option('--config <file>', 'monitor config file to read unit_name from')
    .action((flags: ReportFlags) => {
      if (!flags.out) throw new GroundwatchError('USAGE', 'report needs --out <file> (or --out - for stdout)');
      const format = reportFormatFor(flags.out, flags.format);
      const unitName = flags.unit ?? (flags.config ? (loadConfigFile(flags.config).unit_name ?? null) : null);
      const dbPath = flags.db ?? defaultDbPath();
      const model = withReadOnlyStore(dbPath, (db) =>
        reportFromStore(db, {
          dbPath,
          ...(flags.run !== undefined ? { runId: flags.run } : {}),
          ...(flags.since !== undefined ? { since: flags.since } : {}),
          ...(flags.until !== undefined ? { until: flags.until } : {}),
          devices: flags.device ?? [],
          unitName,
        }),
      );
      if (flags.out === '-') process.stdout.write(reportText(model, format));
      else writeReport(flags.out, model, format);
      if (flags.out !== '-') printErrLine(`report written to ${flags.out} (${format}): ${model.verdict.sentence}`);
    });
}
