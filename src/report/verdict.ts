/**
 * The verdict: one sentence a commander can quote, computed from the inventory, and a
 * qualifier that says what the sentence rests on. "No flow reached ..." is only as good as
 * the capture: the qualifier names gaps, drops and the unnamed share every time.
 */
import { CATEGORY_LABEL } from './categories.js';
import type { Coverage, Destination, Verdict } from './schema.js';
import { worseSeverity } from './categories.js';
import type { Severity } from '../types.js';

/** Destinations named in the sentence; the rest are counted. */
export const VERDICT_DESTINATIONS_NAMED = 12;

export interface VerdictInput {
  destinations: Destination[];
  concerningFlows: number;
  coverage: Coverage;
  devicesRequested: string[];
  devicesSeen: string[];
}

export function computeVerdict(v: VerdictInput): Verdict {
  const concerning = v.destinations.filter((d) => d.category !== 'other' && d.alerts > 0);
  const who = devicePhrase(v.devicesRequested, v.devicesSeen);
  const qualifier = coverageQualifier(v.coverage);
  const listed = concerning.map((d) => ({ key: d.key, countries: d.countries, category: d.category }));
  if (concerning.length > 0) {
    const worst = concerning.reduce<Severity | null>((w, d) => worseSeverity(w, d.worst_severity), null);
    const named = concerning.slice(0, VERDICT_DESTINATIONS_NAMED).map(describe);
    const more = concerning.length - named.length;
    const n = v.concerningFlows;
    const sentence =
      `${n} ${n === 1 ? 'flow' : 'flows'} from ${who} reached Chinese networks or DJI endpoints: ` +
      `${named.join('; ')}${more > 0 ? `; and ${more} more ${more === 1 ? 'destination' : 'destinations'}` : ''}. ` +
      `Worst severity: ${worst ?? 'none'}.`;
    return { outcome: 'reached', sentence, qualifier, concerning_flows: n, worst_severity: worst, destinations: listed };
  }
  if (v.coverage.flows_total === 0) {
    return {
      outcome: 'no_flows',
      sentence: `No flow from ${who} was recorded in this window: nothing can be said about where its traffic went.`,
      qualifier,
      concerning_flows: 0,
      worst_severity: null,
      destinations: [],
    };
  }
  return {
    outcome: 'none_reached',
    sentence: `No flow from ${who} reached Chinese networks or DJI endpoints (${v.coverage.flows_total} ${v.coverage.flows_total === 1 ? 'flow' : 'flows'} examined).`,
    qualifier,
    concerning_flows: 0,
    worst_severity: null,
    destinations: [],
  };
}

function describe(d: Destination): string {
  const where = d.countries.length ? d.countries.join('/') : 'country unknown';
  const op = d.operator_countries.filter((c) => !d.countries.includes(c));
  return `${d.key} (${where}${op.length ? `, operator ${op.join('/')}` : ''}; ${CATEGORY_LABEL[d.category]})`;
}

function devicePhrase(requested: string[], seen: string[]): string {
  if (requested.length === 1) return `the device ${requested[0]}`;
  if (requested.length > 1) return `the devices ${requested.join(', ')}`;
  if (seen.length === 1) return `the device ${seen[0]}`;
  return `the ${seen.length} devices seen`;
}

const pct = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : 1)} %`;

export function coverageQualifier(c: Coverage): string {
  const capture =
    c.capture_gaps === 0 && c.packets_dropped === 0 && c.records_dropped === 0
      ? 'no capture gaps and no dropped packets or records in the window'
      : `${c.capture_gaps} capture ${c.capture_gaps === 1 ? 'gap' : 'gaps'} (${c.capture_gap_seconds.toFixed(1)} s), ` +
        `${c.packets_dropped} packets and ${c.records_dropped} records dropped in the window`;
  const reasons = Object.entries(c.unknown_reasons).map(([k, n]) => `${k.replace(/_/g, ' ')} ${n}`).join(', ');
  const publicFlows = c.flows_total - c.local_flows;
  const unnamed =
    `${c.unnamed_flows} of ${publicFlows} flows to public addresses (${pct(c.unnamed_flow_share)}) and ${pct(c.unnamed_byte_share)} of their bytes ` +
    `went to destinations whose name could not be learned${reasons ? ` (${reasons})` : ''}` +
    (c.local_flows ? `; ${c.local_flows} local ${c.local_flows === 1 ? 'flow (private, link-local, ...) needs' : 'flows (private, link-local, ...) need'} no name` : '');
  const meaning = c.complete
    ? 'Capture was complete and every destination was named.'
    : 'Unnamed destinations were judged by address and network only (a DJI name among them cannot be recognised), and traffic in gaps or dropped was not seen at all: an absence of alerts covers only what was seen.';
  const input = c.input_incomplete ? ' An input was not read to its end or could not be decoded (see the replay warnings): what it held after that point was not assessed.' : '';
  return `Coverage: ${capture}; ${unnamed}.${input} ${meaning}`;
}
