/**
 * The health verdict of `groundwatch status`, from what the store holds.
 *
 * Running: the latest monitor run has no ended_at (a daemon that stops
 * cleanly writes it) AND shows a sign of life within twice the stats interval
 * (+10 s): its latest stats record's wall-clock `written_at`, or its start
 * while the first record is not due. A run without ended_at and silent for
 * longer died without closing (kill -9, power cut, OOM). Nothing else is
 * consulted: no pid file (a pid is reused, and the analyst may not see the
 * daemon's processes under ProtectProc=invisible), and the store is what the
 * analyst can read anyway.
 *
 * Healthy (exit 0): running, and no capture gap open (interface down or gone,
 * capture error, no_traffic). Anything else is unhealthy (exit 1). Stale
 * GeoIP data, kernel drops in the last interval and an outbox backlog are
 * warnings: listed, but the exit status stays 0.
 */
import { refreshAdvice, type StaleDatabase } from '../enrich/staleness.js';
import type { OpenGap, OutboxBacklog, RunRow, StatsSnapshot } from '../sinks/health-queries.js';

const DEFAULT_INTERVAL_SECONDS = 60;
const LIVENESS_SLACK_SECONDS = 10;

export interface StatusInput {
  store: { path: string; from: string };
  run: RunRow | undefined;
  /** Newest first. */
  stats: StatsSnapshot[];
  openGaps: OpenGap[];
  outbox: OutboxBacklog[] | undefined;
  now: Date;
}

export interface StatusReport {
  healthy: boolean;
  running: boolean;
  /** Why running is true or false, in words. */
  running_because: string;
  store: { path: string; from: string };
  run: { id: string; mode: string; interface: string | null; started_at: string; ended_at: string | null; tool_version: string } | null;
  last_packet_at: string | null;
  last_stats_at: string | null;
  last_interval: { seconds: number; received: number; dropped: number; if_dropped: number } | null;
  open_gaps: OpenGap[];
  /** Per destination; absent when the store has no outbox table. */
  outbox?: DestinationStatus[];
  geoip: { stale: boolean; max_age_days: number; oldest_age_days: number; stale_databases: StaleDatabase[]; advice?: string } | null;
  rules: { pack: string; version: string; age_days: number | null }[];
  problems: string[];
  warnings: string[];
}

export interface DestinationStatus {
  destination: string;
  pending: number;
  oldest_pending_at: string | null;
  oldest_pending_age_seconds: number | null;
  disabled: number;
  last_error: string | null;
}

export function assessStatus(input: StatusInput): StatusReport {
  const { run, stats, now } = input;
  const latest = stats[0]?.stats;
  const interval = num(latest?.['interval_seconds']) ?? DEFAULT_INTERVAL_SECONDS;
  const lastStatsAt = str(latest?.['written_at']);
  const live = liveness(run, lastStatsAt, interval, now);
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!live.running) problems.push(`not running: ${live.because}`);
  for (const g of live.running ? input.openGaps : []) problems.push(`capture gap open since ${g.start} on ${g.interface ?? '?'} (${g.reason})`);
  const lastInterval = intervalCounts(stats);
  if (lastInterval && lastInterval.dropped + lastInterval.if_dropped > 0) {
    warnings.push(`${lastInterval.dropped} packets dropped by the kernel and ${lastInterval.if_dropped} by the interface in the last ${lastInterval.seconds} s`);
  }
  const geoip = geoipAge(latest);
  if (geoip?.stale) warnings.push(`GeoIP data older than ${geoip.max_age_days} days (${geoip.stale_databases.map((d) => `${d.role} ${d.age_days} days`).join(', ')}): ${geoip.advice}`);
  const outbox = input.outbox?.map((b) => destinationStatus(b, now));
  for (const d of outbox ?? []) {
    if (d.pending > 0) warnings.push(`${d.pending} records waiting in the delivery outbox for ${d.destination} (oldest ${d.oldest_pending_age_seconds} s old${d.last_error ? `; last error: ${d.last_error}` : ''})`);
    if (d.disabled > 0) warnings.push(`${d.disabled} records disabled in the delivery outbox for ${d.destination} (\`groundwatch outbox retry\` makes them pending again)${d.last_error ? `: ${d.last_error}` : ''}`);
  }
  return {
    healthy: problems.length === 0,
    running: live.running,
    running_because: live.because,
    store: input.store,
    run: run ? { id: run.id, mode: run.mode, interface: run.interface, started_at: run.started_at, ended_at: run.ended_at, tool_version: run.tool_version } : null,
    last_packet_at: str(latest?.['last_packet_at']) ?? null,
    last_stats_at: lastStatsAt ?? null,
    last_interval: lastInterval,
    open_gaps: live.running ? input.openGaps : [],
    ...(outbox ? { outbox } : {}),
    geoip,
    rules: ruleAges(run?.rules ?? null, now),
    problems,
    warnings,
  };
}

function destinationStatus(b: OutboxBacklog, now: Date): DestinationStatus {
  const oldest = b.oldest_pending_ms;
  return {
    destination: b.destination,
    pending: b.pending,
    oldest_pending_at: oldest === null ? null : new Date(oldest).toISOString(),
    oldest_pending_age_seconds: oldest === null ? null : Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
    disabled: b.disabled,
    last_error: b.last_error,
  };
}

function liveness(run: RunRow | undefined, lastStatsAt: string | undefined, interval: number, now: Date): { running: boolean; because: string } {
  if (!run) return { running: false, because: 'the store has no run' };
  if (run.mode !== 'monitor') return { running: false, because: `the latest run is a ${run.mode}, no monitor has written this store` };
  if (run.ended_at) return { running: false, because: `the monitor stopped at ${run.ended_at}` };
  const sign = lastStatsAt ?? run.started_at;
  const ageSeconds = (now.getTime() - Date.parse(sign)) / 1000;
  const limit = 2 * interval + LIVENESS_SLACK_SECONDS;
  const what = lastStatsAt ? 'stats record' : 'start (no stats record yet)';
  if (ageSeconds <= limit) return { running: true, because: `run not ended, last ${what} ${Math.round(ageSeconds)} s ago (within ${limit} s)` };
  return { running: false, because: `the run never ended and its last ${what} is ${Math.round(ageSeconds)} s old (over ${limit} s): the daemon died without closing` };
}

/** Received and dropped between the last two stats records (counters are cumulative over a run). */
function intervalCounts(stats: StatsSnapshot[]): StatusReport['last_interval'] {
  const [cur, prev] = stats;
  if (!cur) return null;
  const c = capture(cur.stats);
  const p = prev ? capture(prev.stats) : { received: 0, dropped: 0, if_dropped: 0 };
  const seconds = prev ? (Date.parse(str(cur.stats['written_at']) ?? cur.ts) - Date.parse(str(prev.stats['written_at']) ?? prev.ts)) / 1000 : (num(cur.stats['interval_seconds']) ?? 0);
  return { seconds: Math.round(seconds), received: c.received - p.received, dropped: c.dropped - p.dropped, if_dropped: c.if_dropped - p.if_dropped };
}

function capture(stats: Record<string, unknown>): { received: number; dropped: number; if_dropped: number } {
  const cap = (stats['capture'] ?? {}) as Record<string, unknown>;
  return { received: num(cap['capture.received']) ?? 0, dropped: num(cap['capture.dropped']) ?? 0, if_dropped: num(cap['capture.if_dropped']) ?? 0 };
}

function geoipAge(stats: Record<string, unknown> | undefined): StatusReport['geoip'] {
  const g = stats?.['geoip'] as { stale?: boolean; max_age_days?: number; oldest_age_days?: number; stale_databases?: StaleDatabase[] } | undefined;
  if (!g || typeof g.max_age_days !== 'number') return null;
  const stale = g.stale_databases ?? [];
  return {
    stale: stale.length > 0,
    max_age_days: g.max_age_days,
    oldest_age_days: g.oldest_age_days ?? 0,
    stale_databases: stale,
    ...(stale.length > 0 ? { advice: refreshAdvice(stale) } : {}),
  };
}

/** Rule packs as `name@version`; versions are YYYY.MM.n, so their age is counted from that month's first day. */
function ruleAges(rulesJson: string | null, now: Date): StatusReport['rules'] {
  let packs: unknown;
  try {
    packs = rulesJson ? JSON.parse(rulesJson) : [];
  } catch {
    return [];
  }
  if (!Array.isArray(packs)) return [];
  return packs.filter((p): p is string => typeof p === 'string').map((p) => {
    const at = p.lastIndexOf('@');
    const pack = at > 0 ? p.slice(0, at) : p;
    const version = at > 0 ? p.slice(at + 1) : '';
    const m = /^(\d{4})\.(\d{1,2})(?:\.|$)/.exec(version);
    const age = m ? Math.floor((now.getTime() - Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) / 86_400_000) : null;
    return { pack, version, age_days: age };
  });
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
