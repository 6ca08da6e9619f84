import { collectRepeated } from './repeated-option.js';
import { Option, type Command } from 'commander';
import { DEFAULT_MONITOR } from '../daemon/defaults.js';
import type { StdoutEvents } from '../sinks/text-sink.js';

export interface MonitorFlags {
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
  memoryBudget?: string;
  deliver?: string[];
  keyDir?: string;
  silenceAfter?: string;
  geoipMaxAgeDays?: string;
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
    .option('--memory-budget <MiB>', 'memory the daemon may use; table bounds are sized to fit (default: V8 heap limit and machine or cgroup memory)')
    .option('--silence-after <seconds>', 'seconds without a packet before a no_traffic capture gap opens; 0 = never (default 300)')
    .option('--geoip-max-age-days <n>', 'warn (start line, stats, status) when GeoIP data is older (default: config file, else $GROUNDWATCH_GEOIP_MAX_AGE_DAYS, else 35; up to 3650)')
    .option('--user <name>', 'when started as root: switch to this user once the capture is open')
    .option('--deliver <url>', 'send alerts, gaps and heartbeats to this destination (repeatable; added to the config file\'s deliver: list; docs/delivery.md)', collectRepeated, [])
    .option('--key-dir <dir>', 'checkpoint signing key directory (`groundwatch keys init`; default /var/lib/groundwatch/keys if it holds a key, else unsigned)')
    .action(async (flags: MonitorFlags) => {
      const { runMonitorCommand } = await import('./monitor-run.js');
      await runMonitorCommand(flags);
    });
}

export { collectRepeated } from './repeated-option.js';
