import { writeReportFile } from './report-file.js';
import { progressLine } from './replay-progress.js';
import { Option, type Command } from 'commander';
import { runReplay, isSeverityOrNever } from '../engine/replay.js';
import { junitReport } from '../engine/junit.js';
import { textSummary } from '../engine/summary.js';
import { GroundwatchError } from '../errors.js';
import { defaultDbPath } from '../sinks/sqlite-store.js';
import type { Severity } from '../types.js';
import { printErr, printErrLine, printOut } from './print.js';
import type { StdoutEvents } from '../sinks/text-sink.js';
import { wholeNumber } from './whole-number.js';

interface ReplayFlags {
  format?: 'text' | 'ndjson';
  events: StdoutEvents;
  db: string | false;
  ndjson?: string;
  rules?: string[];
  geoip?: string;
  device?: string[];
  failOn: string;
  junit?: string;
  summary: boolean;
  memoryBudget?: string;
}

/** Below this Node and the loaded rules and GeoIP data alone do not fit. */
export const MIN_MEMORY_BUDGET_MB = 64;

export const DEFAULT_FAIL_ON: Severity = 'high';

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .summary('replay pcap / pcapng (.gz) files through the monitor')
    .description(
      'Reads capture files (and directories of them) as one time-ordered stream, tracks flows, learns each ' +
        "destination's name, looks up country / ASN / operator, matches the rules and reports alerts. " +
        `Records go to the SQLite store (default ${defaultDbPath()} or $GROUNDWATCH_DB) and, as asked, to stdout.\n\n` +
        'Exit status: 0 no alert at the --fail-on severity, 1 policy violation, 2 bad input or usage; ' +
        'also 2 (before 1) unless --fail-on never when an input could not be read to its end or nothing read could be decoded; ' +
        '130 / 143 when SIGINT / SIGTERM stopped it (what was read is recorded).',
    )
    .argument('<files...>', 'capture files (.pcap, .pcapng, optionally .gz) or directories of them')
    .addOption(new Option('--format <format>', 'stdout format (default: text on a terminal, ndjson otherwise)').choices(['text', 'ndjson']))
    .addOption(new Option('--events <which>', 'records on stdout: alerts; flows (flows and alerts); all (also dns and stats)').choices(['alerts', 'flows', 'all']).default('alerts'))
    .option('--db <path>', 'SQLite store to write', defaultDbPath())
    .option('--no-db', 'do not write the SQLite store')
    .option('--ndjson <file>', 'also write every record to this NDJSON file')
    .option('--rules <paths...>', 'rule files or directories (default: the shipped dji and china packs)')
    .option('--geoip <dir>', 'directory with MaxMind / compatible .mmdb files (default: system GeoIP dirs, then embedded data)')
    .option('--device <spec...>', 'only judge these devices: IP, CIDR or MAC (default: every host that starts a flow)')
    .option('--fail-on <severity>', 'exit 1 when an alert reaches this severity: info|low|medium|high|critical|never', DEFAULT_FAIL_ON)
    .option('--junit <file>', 'write a JUnit XML report (one testsuite per input file, one test case per rule and destination; a missing directory is created)')
    .option('--no-summary', 'do not print the end-of-run summary (text format)')
    .option('--memory-budget <MiB>', 'memory the run may use; table bounds (flows, DNS answers, ...) are sized to fit (default: V8 heap limit and machine or cgroup memory)')
    .action(async (files: string[], flags: ReplayFlags) => {
      if (!isSeverityOrNever(flags.failOn)) throw new GroundwatchError('USAGE', `--fail-on must be one of info, low, medium, high, critical, never (got ${flags.failOn})`);
      const memoryBudgetMb = memoryBudgetFlag(flags.memoryBudget);
      const format = flags.format ?? (process.stdout.isTTY ? 'text' : 'ndjson');
      // The first SIGINT / SIGTERM stops reading and closes the run (store committed); a second one kills as usual.
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const progress = progressLine(process.stderr);
      const warn = (line: string) => {
        progress.clear();
        printErrLine(line);
      };
      const result = await runReplay({
        signal: stop.signal,
        ...(progress.show ? { onProgress: progress.show } : {}),
        files,
        failOn: flags.failOn,
        dbPath: flags.db === false ? null : flags.db,
        stdoutFormat: format,
        events: flags.events,
        stdout: process.stdout,
        ...(memoryBudgetMb !== undefined ? { memoryBudgetMb } : {}),
        ...(flags.ndjson ? { ndjsonFile: flags.ndjson } : {}),
        ...(flags.rules ? { rulePaths: flags.rules } : {}),
        ...(flags.geoip ? { geoipDir: flags.geoip } : {}),
        ...(flags.device ? { devices: flags.device } : {}),
        warn,
      }).finally(() => {
        progress.clear();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
      if (flags.junit) {
        const inputs = result.session.provenance.files;
        writeReportFile('--junit', flags.junit, junitReport(result.session.collector.alerts, flags.failOn, inputs, result.incomplete ? result.warnings : []));
      }
      if (flags.summary) {
        const summary = textSummary(result.session, result.warnings);
        if (format === 'text') printOut(summary);
        else printErr(summary);
      }
      process.exitCode = result.exitCode;
    });
}

function memoryBudgetFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const mb = wholeNumber(value);
  if (mb === undefined || mb < MIN_MEMORY_BUDGET_MB) throw new GroundwatchError('USAGE', `--memory-budget must be a whole number of MiB, at least ${MIN_MEMORY_BUDGET_MB} (got ${value})`);
  return mb;
}
