/** Monitor defaults (documented in docs/monitor.md). */
export const DEFAULT_MONITOR = {
  dbPath: '/var/lib/groundwatch/groundwatch.db',
  snaplen: 65_535,
  bufferSizeMb: 64,
  statsIntervalSeconds: 60,
} as const;

/** $GROUNDWATCH_DB, else systemd's StateDirectory, else /var/lib/groundwatch. */
export function defaultMonitorDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['GROUNDWATCH_DB'];
  if (fromEnv) return fromEnv;
  const stateDir = env['STATE_DIRECTORY']?.split(':')[0];
  return stateDir ? `${stateDir}/groundwatch.db` : DEFAULT_MONITOR.dbPath;
}
