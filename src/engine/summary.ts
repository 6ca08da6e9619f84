/** The end-of-run summary for a terminal: what was read, what was found, how much could be named. */
import { sanitizeForTerminal as safe } from '../util/terminal-text.js';
import { coverageSummary } from '../detect/coverage.js';
import { linkTypeLabel, unsupportedLinkTypes } from '../decode/link-types.js';
import type { SummaryView } from './run-view.js';
import { limitHits } from '../telemetry/report.js';

/** Flows picked up mid-stream, by what decided their client side; nothing when every start was seen. */
function startNotSeen(all: Record<string, number>): string {
  const prefix = 'flow.start_not_seen.';
  const by = Object.entries(all).filter(([k]) => k.startsWith(prefix));
  if (!by.length) return '';
  const total = by.reduce((sum, [, v]) => sum + v, 0);
  return `, ${total} start not seen (${by.map(([k, v]) => `${k.slice(prefix.length)} ${v}`).join(', ')})`;
}

/** The store's integrity log: the checkpoint this run ended with, and whether it is signed. */
function integrityLine(session: SummaryView): string | undefined {
  const log = session.integrity;
  if (!log) return undefined;
  const cp = log.lastWritten;
  const size = cp ? `checkpoint at ${cp.tree_size} entries` : 'no new checkpoint (log unchanged)';
  const signed = log.signer ? `signed by ${safe(log.signer.name)}` : 'unsigned (no key: --key-dir, `groundwatch keys init`)';
  return `  integrity ${size}, ${signed}`;
}

export function textSummary(session: SummaryView, warnings: string[]): string {
  const c = session.counters;
  const cov = coverageSummary(c);
  const flows = c.get('flow.created');
  const named = Object.entries(cov.flows).filter(([k]) => k !== 'unnamed');
  const lines = [
    '',
    `groundwatch ${session.run.tool_version} — ${session.run.mode} summary`,
    ...session.run.sources.map((s) => `  input     ${safe(s.path)} (${s.format}${s.compressed ? ', gzip' : ''}, ${s.size} bytes, sha256 ${s.sha256.slice(0, 16)}…)`),
    `  packets   ${c.get('packets.received')} read, ${c.get('packets.decoded')} decoded, ${c.sum('anomaly.')} anomalies`,
    `  flows     ${flows} (tcp/udp), ${session.pipeline.otherConversations.count} other IP conversations, ${c.get('flow.evicted')} evicted${startNotSeen(c.toJSON())}`,
    `  names     ${named.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; unnamed ${cov.flows['unnamed'] ?? 0}` +
      (Object.keys(cov.unknown_reasons).length ? ` (${Object.entries(cov.unknown_reasons).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''),
    `  bytes     ${Object.entries(cov.bytes).map(([k, v]) => `${k} ${v}`).join(', ') || '0'}`,
    `  alerts    ${session.collector.total} (${(['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => `${s} ${c.get(`alerts.${s}`)}`).join(', ')}), ${c.get('alerts.suppressed_repeats')} repeats folded`,
    `  rules     ${safe(session.rules.rulesets.map((r) => `${r.name}@${r.version}`).join(', '))}`,
    `  geoip     ${session.geo.databases().map((d) => `${d.type} (${d.buildDate.slice(0, 10)})`).join(', ')}`,
  ];
  const anomalies = Object.entries(c.toJSON()).filter(([k]) => k.startsWith('anomaly.'));
  if (anomalies.length) lines.push(`  anomalies ${anomalies.map(([k, v]) => `${k.slice(8)} ${v}`).join(', ')}`);
  const limits = limitHits(c);
  if (limits.length) lines.push(`  limits    ${limits.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const unsupported = unsupportedLinkTypes(c.toJSON());
  if (unsupported.length) lines.push(`  link      not decoded: ${unsupported.map(([type, n]) => `${n} packets of unsupported link type ${linkTypeLabel(type)}`).join(', ')}`);
  const integrity = integrityLine(session);
  if (integrity) lines.push(integrity);
  if (warnings.length) lines.push(`  warnings  ${warnings.length} (see above)`);
  return `${lines.join('\n')}\n`;
}
