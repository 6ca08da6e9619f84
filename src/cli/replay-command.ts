import { writeReportFile } from './report-file.js';
import { progressLine } from './replay-progress.js';
import { Option, type Command } from 'commander';
import { runReplay, isSeverityOrNever, DEFAULT_DELIVER_TIMEOUT_MS } from '../engine/replay.js';
import { deliverySetup } from './deliver-options.js';
import { collectRepeated } from './monitor-command.js';
import { junitReport } from '../engine/junit.js';
import { textSummary } from '../engine/summary.js';
import { GroundwatchError } from '../errors.js';
import type { JsonValue } from '../integrity/canonical-json.js';
import { defaultDbPath } from '../sinks/sqlite-store.js';
import type { Severity } from '../types.js';
import { printErr, printErrLine, printOut } from './print.js';
import type { StdoutEvents } from '../sinks/text-sink.js';
import { wholeNumber } from './whole-number.js';
import { EVIDENCE_PACKET_MODES, type EvidencePackets } from '../evidence/evidence-options.js';
import { ReportSink, sessionDatabases } from '../report/report-sink.js';
import { reportFormatFor, writeReport } from '../report/write.js';

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
  deliver: string[];
  deliverTimeout: string;
  evidencePackets: EvidencePackets;
  keyDir?: string;
  report?: string;
  unit?: string;
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
        '3 when --deliver destinations had not acknowledged everything within --deliver-timeout (and no 1 or 2 applies); ' +
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
    .option('--deliver <url>', 'also send alerts to this destination through the outbox (repeatable; syslog+tls://, syslog+tcp://, relp://, relp+tls://, https://, http://; docs/delivery.md)', collectRepeated, [])
    .option('--deliver-timeout <seconds>', 'at the end, wait at most this long for destinations to acknowledge (undelivered: exit 3, kept in the outbox)', String(DEFAULT_DELIVER_TIMEOUT_MS / 1000))
    .option('--report <file>', 'also write a self-contained HTML report of this replay (JSON when the name ends in .json); works with --no-db')
    .option('--unit <name>', 'unit or box name for the --report header')
    .option('--memory-budget <MiB>', 'memory the run may use; table bounds (flows, DNS answers, ...) are sized to fit (default: V8 heap limit and machine or cgroup memory)')
    .addOption(
      new Option('--evidence-packets <what>', "packets kept for alerted flows: headers (default), full (payload too: officers' accounts and positions may be in it; docs/evidence.md) or none")
        .choices([...EVIDENCE_PACKET_MODES])
        .default('headers'),
    )
    .option('--key-dir <dir>', 'sign the store\'s integrity checkpoints with the key in this directory (`groundwatch keys init`); default: unsigned')
    .action(async (files: string[], flags: ReplayFlags) => {
      if (!isSeverityOrNever(flags.failOn)) throw new GroundwatchError('USAGE', `--fail-on must be one of info, low, medium, high, critical, never (got ${flags.failOn})`);
      const memoryBudgetMb = memoryBudgetFlag(flags.memoryBudget);
      const format = flags.format ?? (process.stdout.isTTY ? 'text' : 'ndjson');
      const deliverTimeoutS = wholeNumber(flags.deliverTimeout);
      if (deliverTimeoutS === undefined) throw new GroundwatchError('USAGE', `--deliver-timeout must be a whole number of seconds (got ${flags.deliverTimeout})`);
      const delivery = flags.deliver.length ? deliverySetup(flags.deliver) : undefined;
      // The first SIGINT / SIGTERM stops reading and closes the run (store committed); a second one kills as usual.
      const reportFormat = flags.report ? reportFormatFor(flags.report, undefined) : undefined;
      const reportSink = flags.report ? new ReportSink(flags.device ?? []) : undefined;
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
        ...(delivery ? { delivery, deliverTimeoutMs: deliverTimeoutS * 1000 } : {}),
        evidence: { packets: flags.evidencePackets },
        ...(flags.keyDir ? { keyDir: flags.keyDir, keyRequired: true } : {}),
        // The run records this hash: the same options give the same hash (JSON round trip drops unset flags).
        effectiveConfig: JSON.parse(JSON.stringify({ command: 'replay', ...flags })) as JsonValue,
        ...(reportSink ? { extraSinks: [reportSink] } : {}),
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
      if (reportSink && flags.report && reportFormat) {
        const facts = { run: result.session.run, databases: sessionDatabases(result.session.geo) };
        writeReport(flags.report, reportSink.model(facts, { unitName: flags.unit ?? null, inputIncomplete: result.incomplete }), reportFormat);
      }
      if (flags.summary) {
        const summary = textSummary(result.session, result.warnings, result.delivery);
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
