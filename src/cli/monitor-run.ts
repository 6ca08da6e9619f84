/**
 * The monitor command's work: config file + flags -> validated options -> the
 * daemon. Loaded only when `monitor` runs, so other commands never load the
 * config parser and its schema.
 */
import { loadConfigFile } from '../config/config-file.js';
import { evidenceOptionsFromConfig } from '../config/evidence-config.js';
import type { MonitorConfig } from '../config/monitor-schema.js';
import { MonitorConfigSchema } from '../config/monitor-schema.js';
import { defaultMonitorDbPath, DEFAULT_MONITOR } from '../daemon/defaults.js';
import { startMonitor, type MonitorOptions } from '../daemon/monitor.js';
import { DEFAULT_SILENCE_AFTER_SECONDS } from '../daemon/silence-detector.js';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../sinks/retention.js';
import { GroundwatchError } from '../errors.js';
import type { JsonValue } from '../integrity/canonical-json.js';
import { DEFAULT_KEY_DIR } from '../integrity/key-files.js';
import type { MonitorFlags } from './monitor-command.js';
import { printErrLine } from './print.js';
import { wholeNumber } from './whole-number.js';
import { deliverySetup } from './deliver-options.js';
import { resolveGeoipMaxAgeDays } from './geoip-max-age.js';
import type { DeliverEntry } from '../delivery/targets.js';

export async function runMonitorCommand(flags: MonitorFlags): Promise<void> {
  const file = flags.config ? loadConfigFile(flags.config) : {};
  const opts = monitorOptions(mergeFlags(file, flags));
  const monitor = await startMonitor(opts);
  await monitor.done;
  process.exitCode = 0;
}

/** Flags over the file: the result is checked by the same schema as the file. */
export function mergeFlags(file: MonitorConfig, flags: MonitorFlags): MonitorConfig {
  const fromFlags = {
    interface: flags.interface,
    filter: flags.filter,
    snaplen: intFlag('--snaplen', flags.snaplen),
    buffer_size_mb: intFlag('--buffer-size', flags.bufferSize),
    promiscuous: flags.promisc,
    devices: flags.device,
    rules: flags.rules,
    geoip: flags.geoip,
    db: flags.db,
    ndjson: flags.ndjson,
    format: flags.format,
    events: flags.events,
    stats_interval: intFlag('--stats-interval', flags.statsInterval),
    suppress_window: intFlag('--suppress-window', flags.suppressWindow),
    user: flags.user,
    memory_budget_mb: intFlag('--memory-budget', flags.memoryBudget),
    key_dir: flags.keyDir,
    silence_after: intFlag('--silence-after', flags.silenceAfter),
    geoip_max_age_days: intFlag('--geoip-max-age-days', flags.geoipMaxAgeDays),
  };
  const merged = { ...file, ...Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined)) };
  // --deliver adds to the file's destinations (which carry TLS files and secret sources) instead of replacing them.
  if (flags.deliver?.length) merged.deliver = [...(file.deliver ?? []), ...flags.deliver];
  const parsed = MonitorConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GroundwatchError('USAGE', `${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = wholeNumber(value);
  if (n === undefined) throw new GroundwatchError('USAGE', `${name} must be a whole number (got ${value})`);
  return n;
}

export function monitorOptions(c: MonitorConfig, env: NodeJS.ProcessEnv = process.env): MonitorOptions {
  if (!c.interface) throw new GroundwatchError('USAGE', 'monitor needs an interface: --interface <name> or `interface:` in the config file (see `groundwatch interfaces`)');
  return {
    capture: {
      interfaceName: c.interface,
      filter: c.filter ?? '',
      snaplen: c.snaplen ?? DEFAULT_MONITOR.snaplen,
      bufferBytes: (c.buffer_size_mb ?? DEFAULT_MONITOR.bufferSizeMb) * 1024 * 1024,
      promiscuous: c.promiscuous ?? true,
    },
    statsIntervalSeconds: c.stats_interval ?? DEFAULT_MONITOR.statsIntervalSeconds,
    dbPath: c.db === false ? null : (c.db ?? defaultMonitorDbPath(env)),
    stdoutFormat: c.format ?? 'none',
    events: c.events ?? 'alerts',
    stdout: process.stdout,
    ...(c.ndjson ? { ndjsonFile: c.ndjson } : {}),
    ...(c.rules ? { rulePaths: c.rules } : {}),
    ...(c.geoip ? { geoipDir: c.geoip } : {}),
    ...(c.devices ? { devices: c.devices } : {}),
    ...(c.suppress_window !== undefined ? { suppressWindowSeconds: c.suppress_window } : {}),
    ...(c.user ? { user: c.user } : {}),
    ...(c.memory_budget_mb !== undefined ? { memoryBudgetMb: c.memory_budget_mb } : {}),
    ...(c.deliver?.length ? { delivery: deliverySetup(c.deliver as DeliverEntry[], c.delivery) } : {}),
    evidence: evidenceOptionsFromConfig(c.evidence),
    // A key_dir set by flag or file must hold a key; the default one is used when it does, else unsigned.
    keyDir: c.key_dir ?? DEFAULT_KEY_DIR,
    keyRequired: c.key_dir !== undefined,
    effectiveConfig: JSON.parse(JSON.stringify({ command: 'monitor', ...c })) as JsonValue,
    silenceAfterSeconds: c.silence_after ?? DEFAULT_SILENCE_AFTER_SECONDS,
    geoipMaxAgeDays: resolveGeoipMaxAgeDays(c.geoip_max_age_days, env),
    retention: retentionPolicy(c.retention),
    handleSignals: true,
    warn: printErrLine,
  };
}

function retentionPolicy(r: MonitorConfig['retention']): RetentionPolicy {
  return {
    flowsDays: r?.flows_days ?? DEFAULT_RETENTION.flowsDays,
    statsDays: r?.stats_days ?? DEFAULT_RETENTION.statsDays,
    alertsDays: r?.alerts_days ?? DEFAULT_RETENTION.alertsDays,
  };
}
