/**
 * Human-readable lines for a terminal. Every string from a packet goes through
 * sanitizeForTerminal: a hostname may carry ANSI escapes or bidi overrides.
 */
import type { AlertRecord, Dataset, FlowRecord, GroundwatchRecord } from '../records/ecs.js';
import type { Sink } from './sink.js';
import { neutralizeTerminalText, sanitizeForTerminal as safe } from '../util/terminal-text.js';
import { plainReason } from '../util/db-label.js';
import { readableTime } from '../util/readable-time.js';
import { cutToWidth, wrapWords } from '../util/text-width.js';

export type StdoutEvents = 'alerts' | 'flows' | 'all';

export function wantedOnStdout(rec: GroundwatchRecord, events: StdoutEvents): boolean {
  return datasetOnStdout(rec.event.dataset, events);
}

export function datasetOnStdout(dataset: Dataset, events: StdoutEvents): boolean {
  if (events === 'all') return true;
  if (dataset === 'groundwatch.alert') return true;
  return events === 'flows' && dataset === 'groundwatch.flow';
}

export class TextSink implements Sink {
  readonly name = 'text';
  private buffer: string[] = [];

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly events: StdoutEvents,
  ) {}

  accepts(dataset: Dataset): boolean {
    return datasetOnStdout(dataset, this.events);
  }

  write(rec: GroundwatchRecord): void {
    if (!wantedOnStdout(rec, this.events)) return;
    const line = formatRecordLine(rec);
    if (line) this.buffer.push(line);
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    // Fields are escaped one by one above; this catches any a formatter forgot (idempotent otherwise).
    const text = neutralizeTerminalText(`${this.buffer.join('\n')}\n`);
    this.buffer = [];
    await new Promise<void>((resolve) => {
      if (this.out.write(text)) resolve();
      else this.out.once('drain', () => resolve());
    });
  }

  async close(): Promise<void> {
    await this.flush();
  }

  needsFlush(): boolean {
    return this.buffer.length >= 256;
  }
}

export function formatRecordLine(rec: GroundwatchRecord): string | undefined {
  switch (rec.event.dataset) {
    case 'groundwatch.alert':
      return formatAlert(rec as AlertRecord);
    case 'groundwatch.flow':
      return formatFlow(rec as FlowRecord);
    case 'groundwatch.dns': {
      const r = rec as Extract<GroundwatchRecord, { dns: unknown }>;
      const answers = r.dns.resolved_ip?.length ? ` -> ${r.dns.resolved_ip.join(', ')}` : '';
      return `DNS    ${readableTime(r['@timestamp'])}  ${r.source?.ip} -> ${r.destination?.ip}  ${r.dns.type} ${safe(r.dns.question.name)} ${r.dns.question.type}${safe(answers)}`;
    }
    case 'groundwatch.capture_gap': {
      const g = rec as Extract<GroundwatchRecord, { groundwatch: { gap: unknown } }>;
      return `GAP    ${readableTime(g.groundwatch.gap.start)} .. ${readableTime(g.groundwatch.gap.end) ?? 'open'}  ${safe(g.groundwatch.gap.interface)}: ${safe(g.groundwatch.gap.reason)}`;
    }
    default:
      return undefined;
  }
}

/** Text lines fit a 120-column terminal; reasons wrap under their indent. */
const WIDTH = 120;
const INDENT = '         ';
const ORG_CHARS = 32;

function where(rec: AlertRecord | FlowRecord): string {
  const d = rec.destination;
  const org = d?.as?.organization?.name;
  const shortOrg = org !== undefined && [...org].length > ORG_CHARS ? `${[...org].slice(0, ORG_CHARS - 1).join('')}…` : org;
  const parts = [d?.geo?.country_iso_code, d?.as?.number !== undefined ? `AS${d.as.number}` : undefined, shortOrg];
  const op = rec.groundwatch.jurisdiction?.operator_country;
  if (op) parts.push(`operator ${op}`);
  const special = rec.groundwatch.jurisdiction?.special_range;
  if (special) parts.push(special);
  return safe(parts.filter(Boolean).join(' ')) || '-';
}

function nameOf(rec: AlertRecord | FlowRecord): string {
  const domain = rec.destination?.domain;
  const n = rec.groundwatch.name;
  if (domain) return `${safe(domain)} (${n.source ?? '?'})`;
  return n.unknown_reason ? `[no name: ${n.unknown_reason}]` : '[no name]';
}

/** A flow picked up mid-stream says how its sides were told apart, so a reader can weigh the verdict. */
function midStream(rec: AlertRecord | FlowRecord): string {
  const f = rec.groundwatch.flow;
  return f.start_seen === false ? `  [start not seen, client by ${f.orientation ?? '?'}]` : '';
}

/**
 * Three parts, each within 120 columns: severity, confidence, time (ISO 8601 to the second), rule
 * and flow; device -> destination with its name, country, AS and operator; one reason per line in
 * plain words (database names people know, build days).
 */
function formatAlert(a: AlertRecord): string {
  const s = a.source;
  const d = a.destination;
  const gw = a.groundwatch;
  const sev = gw.severity.toUpperCase().padEnd(8);
  const conf = gw.confidence ? `conf ${gw.confidence}  ` : '';
  const head = `ALERT  ${sev} ${conf}${readableTime(a['@timestamp'])}  ${safe(a.rule.id)}  flow ${safe(gw.flow.uid)}${midStream(a)}`;
  const path = `${INDENT}${s?.ip}${s?.mac ? ` (${s.mac})` : ''} -> ${d?.ip}:${d?.port}/${a.network?.transport}  ${nameOf(a)}  ${where(a)}`;
  const reasons = gw.reasons.flatMap((r) => wrapWords(`- ${safe(plainReason(r))}`, WIDTH - INDENT.length).map((l, i) => `${INDENT}${i === 0 ? '' : '  '}${l}`));
  return [head, cut(path), ...reasons].join('\n');
}

function formatFlow(f: FlowRecord): string {
  const bytes = (f.source?.bytes ?? 0) + (f.destination?.bytes ?? 0);
  const head = `FLOW   ${readableTime(f['@timestamp'])}  ${f.source?.ip}:${f.source?.port} -> ${f.destination?.ip}:${f.destination?.port}/${f.network?.transport}  ${nameOf(f)}`;
  return `${cut(head)}\n${INDENT}${where(f)}  ${bytes} B${midStream(f)}`;
}

function cut(line: string): string {
  return cutToWidth(line, WIDTH);
}
