import { Option, type Command } from 'commander';
import { loadConfigFile } from '../config/config-file.js';
import type { MonitorConfig } from '../config/monitor-schema.js';
import { MonitorConfigSchema } from '../config/monitor-schema.js';
import { defaultMonitorDbPath, DEFAULT_MONITOR } from '../daemon/defaults.js';
import { startMonitor, type MonitorOptions } from '../daemon/monitor.js';
import { GroundwatchError } from '../errors.js';
import type { StdoutEvents } from './text-sink.js';

interface MonitorFlags {
  config?: string;
  interface?: string;
  filter?: string;
  snaplen?: string;
  bufferSize?: string;
  promisc?: boolean;
  device?: string[];
  rules?: string[];
  geoip?: string;
  db?: string | false;
  ndjson?: string;
  format?: 'text' | 'ndjson' | 'none';
  events?: StdoutEvents;
  statsInterval?: string;
  suppressWindow?: string;
  user?: string;
}

export function registerMonitorCommand(program: Command): void {
  program
    .command('monitor')
    .summary('watch an interface live (mirror port) and record flows and alerts')
    .description(
      'Captures on an interface through libpcap and runs the same pipeline as replay: same records, same alerts.\n' +
        'Runs until SIGTERM / SIGINT (drains and flushes, exit 0); SIGHUP reloads rules and GeoIP.\n' +
        `Store: --db, else the config file's db, else $GROUNDWATCH_DB, else ${DEFAULT_MONITOR.dbPath}.\n` +
        'Every flag has a config-file key (snake_case, see docs/monitor.md); flags override the file.',
    )
    .option('--config <file>', 'YAML config file (e.g. /etc/groundwatch/groundwatch.yaml)')
    .option('-i, --interface <name>', 'interface to capture on (see `groundwatch interfaces`)')
    .option('--filter <bpf>', 'BPF capture filter (pcap-filter syntax)')
    .option('--snaplen <bytes>', `bytes kept of each frame (default ${DEFAULT_MONITOR.snaplen})`)
    .option('--buffer-size <MiB>', `libpcap kernel buffer in MiB (default ${DEFAULT_MONITOR.bufferSizeMb})`)
    .option('--promisc', 'promiscuous mode (default)')
    .option('--no-promisc', 'no promiscuous mode: only traffic addressed to the interface (and broadcast/multicast)')
    .option('--device <spec...>', 'only judge these devices: IP, CIDR or MAC (default: every host that starts a flow)')
    .option('--rules <paths...>', 'rule files or directories (default: the shipped packs)')
    .option('--geoip <dir>', 'directory with .mmdb files (default: system GeoIP dirs, then embedded data)')
    .option('--db <path>', 'SQLite store to write')
    .option('--no-db', 'do not write the SQLite store')
    .option('--ndjson <file>', 'also write every record to this NDJSON file')
    .addOption(new Option('--format <format>', 'stdout records (default: none)').choices(['text', 'ndjson', 'none']))
    .addOption(new Option('--events <which>', 'records on stdout: alerts; flows; all (also dns, stats, gaps)').choices(['alerts', 'flows', 'all']))
    .option('--stats-interval <seconds>', `seconds between groundwatch.stats records (default ${DEFAULT_MONITOR.statsIntervalSeconds})`)
    .option('--suppress-window <seconds>', 'seconds a repeated alert is folded into the first (default 300)')
    .option('--user <name>', 'when started as root: switch to this user once the capture is open')
    .action(async (flags: MonitorFlags) => {
      const file = flags.config ? loadConfigFile(flags.config) : {};
      const opts = monitorOptions(mergeFlags(file, flags));
      const monitor = await startMonitor(opts);
      await monitor.done;
      process.exitCode = 0;
    });
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
  };
  const merged = { ...file, ...Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined)) };
  const parsed = MonitorConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GroundwatchError('USAGE', `${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new GroundwatchError('USAGE', `${name} must be a whole number (got ${value})`);
  return Number.parseInt(value, 10);
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
    handleSignals: true,
    warn: (line) => process.stderr.write(`${line}\n`),
  };
}
