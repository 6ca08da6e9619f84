import { Option, type Command } from 'commander';
import { DEFAULT_DELIVER_TIMEOUT_MS } from '../engine/replay-defaults.js';
import { EVIDENCE_PACKET_MODES, type EvidencePackets } from '../evidence/evidence-options.js';
import { defaultDbPath } from '../sinks/db-path.js';
import type { StdoutEvents } from '../sinks/text-sink.js';
import type { Severity } from '../types.js';
import { collectRepeated } from './repeated-option.js';

export interface ReplayFlags {
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
  geoipMaxAgeDays?: string;
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
    .option('--geoip-max-age-days <days>', 'warn once at start (stderr) when GeoIP data is older (default $GROUNDWATCH_GEOIP_MAX_AGE_DAYS, else 35; up to 3650)')
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
      // The pipeline, sinks and stores load only when a replay actually runs (start-up time).
      const { runReplayCommand } = await import('./replay-run.js');
      await runReplayCommand(files, flags);
    });
}
