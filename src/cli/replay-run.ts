/** What `groundwatch replay` does once its flags are parsed (loaded on demand: replay-command.ts only registers). */
import { runReplay, isSeverityOrNever } from '../engine/replay.js';
import { textSummary } from '../engine/summary.js';
import { GroundwatchError } from '../errors.js';
import type { JsonValue } from '../integrity/canonical-json.js';
import { printErr, printErrLine, printOut } from './print.js';
import { MIN_MEMORY_BUDGET_MB, type ReplayFlags } from './replay-command.js';
import { progressLine } from './replay-progress.js';
import { wholeNumber } from './whole-number.js';
import { parseGeoipMaxAgeDays, resolveGeoipMaxAgeDays } from './geoip-max-age.js';

export async function runReplayCommand(files: string[], flags: ReplayFlags): Promise<void> {
  if (!isSeverityOrNever(flags.failOn)) throw new GroundwatchError('USAGE', `--fail-on must be one of info, low, medium, high, critical, never (got ${flags.failOn})`);
  const memoryBudgetMb = memoryBudgetFlag(flags.memoryBudget);
  const geoipMaxAgeDays = resolveGeoipMaxAgeDays(flags.geoipMaxAgeDays === undefined ? undefined : parseGeoipMaxAgeDays('--geoip-max-age-days', flags.geoipMaxAgeDays));
  const format = flags.format ?? (process.stdout.isTTY ? 'text' : 'ndjson');
  const deliverTimeoutS = wholeNumber(flags.deliverTimeout);
  if (deliverTimeoutS === undefined) throw new GroundwatchError('USAGE', `--deliver-timeout must be a whole number of seconds (got ${flags.deliverTimeout})`);
  // Delivery, the HTML/JSON report and JUnit load only when asked for (start-up time of plain replays).
  const delivery = flags.deliver.length ? (await import('./deliver-options.js')).deliverySetup(flags.deliver) : undefined;
  const report = flags.report ? await loadReport() : undefined;
  // The first SIGINT / SIGTERM stops reading and closes the run (store committed); a second one kills as usual.
  const reportFormat = flags.report && report ? report.reportFormatFor(flags.report, undefined) : undefined;
  const reportSink = report ? new report.ReportSink(flags.device ?? []) : undefined;
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
    geoipMaxAgeDays,
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
    const [{ writeReportFile }, { junitReport }] = await Promise.all([import('./report-file.js'), import('../engine/junit.js')]);
    writeReportFile('--junit', flags.junit, junitReport(result.session.collector.alerts, flags.failOn, inputs, result.incomplete ? result.warnings : []));
  }
  if (report && reportSink && flags.report && reportFormat) {
    const facts = { run: result.session.run, databases: report.sessionDatabases(result.session.geo) };
    report.writeReport(flags.report, reportSink.model(facts, { unitName: flags.unit ?? null, inputIncomplete: result.incomplete }), reportFormat);
  }
  if (flags.summary) {
    const summary = textSummary(result.session, result.warnings, result.delivery);
    if (format === 'text') printOut(summary);
    else printErr(summary);
  }
  process.exitCode = result.exitCode;
}

function memoryBudgetFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const mb = wholeNumber(value);
  if (mb === undefined || mb < MIN_MEMORY_BUDGET_MB) throw new GroundwatchError('USAGE', `--memory-budget must be a whole number of MiB, at least ${MIN_MEMORY_BUDGET_MB} (got ${value})`);
  return mb;
}

async function loadReport() {
  const [sink, write] = await Promise.all([import('../report/report-sink.js'), import('../report/write.js')]);
  return { ReportSink: sink.ReportSink, sessionDatabases: sink.sessionDatabases, reportFormatFor: write.reportFormatFor, writeReport: write.writeReport };
}
