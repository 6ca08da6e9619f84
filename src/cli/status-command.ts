/**
 * `groundwatch status`: is the monitor running and capturing, read from its
 * store (read-only, so any member of the service's group may ask). Exit 0
 * healthy, 1 unhealthy (not running, or a capture gap open); see
 * status-report.ts for how each is decided.
 */
import { Option, type Command } from 'commander';
import { latestRun, latestStats, openGaps, outboxBacklog } from '../sinks/health-queries.js';
import { openStore } from '../sinks/sqlite-store.js';
import { sanitizeForTerminal as safe } from './output-format.js';
import { assessStatus, type StatusReport } from './status-report.js';
import { findStore, STORE_FLAG_HELP } from './store-discovery.js';
import type { CliOutput } from './flows-command.js';

export function registerStatusCommand(program: Command, out: CliOutput = { stdout: process.stdout }, now: () => Date = () => new Date()): void {
  program
    .command('status')
    .description('is the monitor running and capturing? (reads the store; exit 0 healthy, 1 unhealthy)')
    .option('--db <path>', STORE_FLAG_HELP)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: { db?: string; format: 'text' | 'json' }) => {
      const report = readStatus(flags.db, now());
      out.stdout.write(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : statusText(report));
      process.exitCode = report.healthy ? 0 : 1;
    });
}

export function readStatus(dbFlag: string | undefined, now: Date): StatusReport {
  const store = findStore(dbFlag);
  const db = openStore(store.path, { readonly: true });
  try {
    const run = latestRun(db);
    return assessStatus({
      store,
      run,
      stats: run ? latestStats(db, run.id) : [],
      openGaps: run ? openGaps(db, run.id) : [],
      outbox: outboxBacklog(db),
      now,
    });
  } finally {
    db.close();
  }
}

export function statusText(r: StatusReport): string {
  const rows: [string, string][] = [
    ['health', r.healthy ? 'healthy' : 'UNHEALTHY'],
    ['running', `${r.running ? 'yes' : 'no'} (${r.running_because})`],
    ['store', `${r.store.path} (from ${r.store.from})`],
  ];
  if (r.run) rows.push(['run', `${r.run.id} ${r.run.mode}${r.run.interface ? ` on ${r.run.interface}` : ''}, since ${r.run.started_at}${r.run.ended_at ? `, ended ${r.run.ended_at}` : ''} (groundwatch ${r.run.tool_version})`]);
  rows.push(['last packet', r.last_packet_at ?? '-'], ['last stats', r.last_stats_at ?? '-']);
  const i = r.last_interval;
  rows.push(['last interval', i ? `${i.received} received, ${i.dropped} dropped (kernel), ${i.if_dropped} dropped (interface) in ${i.seconds} s` : '-']);
  rows.push(['open gaps', r.open_gaps.length === 0 ? 'none' : r.open_gaps.map((g) => `${g.reason} on ${g.interface ?? '?'} since ${g.start}`).join('; ')]);
  if (r.outbox && r.outbox.length === 0) rows.push(['outbox', 'empty']);
  for (const d of r.outbox ?? []) {
    const oldest = d.oldest_pending_at ? `, oldest ${d.oldest_pending_at} (${d.oldest_pending_age_seconds} s)` : '';
    rows.push(['outbox', `${d.destination}: ${d.pending} pending${oldest}, ${d.disabled} disabled${d.last_error ? `, last error: ${d.last_error}` : ''}`]);
  }
  rows.push(['geoip', r.geoip ? `${r.geoip.stale ? 'STALE' : 'fresh'}: oldest database ${r.geoip.oldest_age_days} days (limit ${r.geoip.max_age_days})` : 'unknown (no stats record yet)']);
  rows.push(['rules', r.rules.length === 0 ? '-' : r.rules.map((p) => `${p.pack}@${p.version}${p.age_days === null ? '' : ` (${p.age_days} days)`}`).join(', ')]);
  for (const p of r.problems) rows.push(['problem', p]);
  for (const w of r.warnings) rows.push(['warning', w]);
  return rows.map(([k, v]) => `${k.padEnd(13)} ${safe(v)}\n`).join('');
}
