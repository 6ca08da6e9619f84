/**
 * Charts as inline SVG (no script, no external resource): horizontal byte bars and the
 * timeline with one lane per destination category. Sizes are fixed, whatever the number
 * of records, so a month renders as fast as an hour.
 */
import { CATEGORY_LABEL } from '../categories.js';
import type { DestinationCategory, Timeline } from '../schema.js';
import { escapeHtml, plain } from './escape.js';
import { bytes, time } from './format.js';

const LANE_COLOUR: Record<DestinationCategory, string> = {
  dji_first_party: '#b3261e',
  third_party_sdk: '#8e3bb5',
  chinese_resolver: '#b86200',
  chinese_network: '#c2185b',
  other: '#3d7a9e',
};

const SEVERITY_COLOUR: Record<string, string> = { critical: '#7a0019', high: '#b3261e', medium: '#b86200', low: '#6b6f00', info: '#3d5a80' };

export function barChart(title: string, bars: { key: string; bytes: number }[]): string {
  const rowH = 22;
  const labelW = 120;
  const barW = 300;
  const h = Math.max(1, bars.length) * rowH + 8;
  const max = Math.max(1, ...bars.map((b) => b.bytes));
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(1, Math.round((b.bytes / max) * barW));
    return (
      `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${plain(b.key)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 7}" fill="#3d5a80"><title>${plain(b.key)}: ${b.bytes} bytes</title></rect>` +
      `<text x="${labelW + w + 6}" y="${y + 15}">${escapeHtml(bytes(b.bytes))}</text>`
    );
  });
  const body = bars.length ? rows.join('') : `<text x="10" y="18">no flows</text>`;
  return `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 520 ${h}" width="100%" preserveAspectRatio="xMinYMin meet">${body}</svg>`;
}

export function timelineChart(t: Timeline): string {
  if (t.buckets === 0 || t.lanes.length === 0) return '<p class="muted">No flows in the window.</p>';
  const labelW = 170;
  const plotW = 820;
  const laneH = 26;
  const top = 6;
  const h = top + t.lanes.length * laneH + 28;
  const cell = plotW / t.buckets;
  const laneIndex = new Map(t.lanes.map((l, i) => [l.category, i]));
  const peak = Math.max(1, ...t.lanes.flatMap((l) => l.flows.map(([, n]) => n)));
  const parts: string[] = [];
  t.lanes.forEach((lane, i) => {
    const y = top + i * laneH;
    parts.push(`<text x="${labelW - 6}" y="${y + 16}" text-anchor="end">${escapeHtml(CATEGORY_LABEL[lane.category])}</text>`);
    parts.push(`<rect x="${labelW}" y="${y + 2}" width="${plotW}" height="${laneH - 4}" fill="#f4f6f8"/>`);
    for (const [b, n] of lane.flows) {
      // Opacity grows with the number of flows started in the bucket; one flow still shows.
      const opacity = (0.25 + 0.75 * (n / peak)).toFixed(2);
      parts.push(`<rect x="${(labelW + b * cell).toFixed(1)}" y="${y + 5}" width="${Math.max(1, cell - 0.5).toFixed(1)}" height="${laneH - 10}" fill="${LANE_COLOUR[lane.category]}" fill-opacity="${opacity}"><title>${n} flows</title></rect>`);
    }
  });
  for (const m of t.alert_marks) {
    const i = laneIndex.get(m.category);
    if (i === undefined) continue;
    const x = labelW + (m.bucket + 0.5) * cell;
    const y = top + i * laneH + 2;
    parts.push(`<path d="M${x.toFixed(1)} ${y + 9} l-5 -8 h10 z" fill="${SEVERITY_COLOUR[m.severity]}" stroke="#fff" stroke-width="0.8"><title>${m.count} ${m.severity} alerts</title></path>`);
  }
  const axisY = top + t.lanes.length * laneH + 16;
  parts.push(`<text x="${labelW}" y="${axisY}">${escapeHtml(time(t.start))}</text>`);
  parts.push(`<text x="${labelW + plotW}" y="${axisY}" text-anchor="end">${escapeHtml(time(t.end))}</text>`);
  return `<svg role="img" aria-label="timeline" viewBox="0 0 ${labelW + plotW + 10} ${h}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>`;
}
