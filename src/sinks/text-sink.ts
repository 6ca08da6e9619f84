/**
 * Human-readable lines for a terminal. Every string from a packet goes through
 * sanitizeForTerminal: a hostname may carry ANSI escapes or bidi overrides.
 */
import type { AlertRecord, FlowRecord, GroundwatchRecord } from '../records/ecs.js';
import type { Sink } from './sink.js';
import { neutralizeTerminalText, sanitizeForTerminal as safe } from '../util/terminal-text.js';

export type StdoutEvents = 'alerts' | 'flows' | 'all';

export function wantedOnStdout(rec: GroundwatchRecord, events: StdoutEvents): boolean {
  const dataset = rec.event.dataset;
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
      return `DNS    ${r['@timestamp']}  ${r.source?.ip} -> ${r.destination?.ip}  ${r.dns.type} ${safe(r.dns.question.name)} ${r.dns.question.type}${safe(answers)}`;
    }
    case 'groundwatch.capture_gap': {
      const g = rec as Extract<GroundwatchRecord, { groundwatch: { gap: unknown } }>;
      return `GAP    ${g.groundwatch.gap.start} .. ${g.groundwatch.gap.end ?? 'open'}  ${safe(g.groundwatch.gap.interface)}: ${safe(g.groundwatch.gap.reason)}`;
    }
    default:
      return undefined;
  }
}

function where(rec: AlertRecord | FlowRecord): string {
  const d = rec.destination;
  const parts = [d?.geo?.country_iso_code, d?.as?.number !== undefined ? `AS${d.as.number}` : undefined, d?.as?.organization?.name];
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

function formatAlert(a: AlertRecord): string {
  const s = a.source;
  const d = a.destination;
  const sev = a.groundwatch.severity.toUpperCase().padEnd(8);
  const head = `ALERT  ${sev} ${a['@timestamp']}  ${a.rule.id}  ${s?.ip}${s?.mac ? ` (${s.mac})` : ''} -> ${d?.ip}:${d?.port}/${a.network?.transport}`;
  return `${head}  ${nameOf(a)}  ${where(a)}${midStream(a)}\n         ${a.groundwatch.reasons.map(safe).join('; ')}`;
}

function formatFlow(f: FlowRecord): string {
  const bytes = (f.source?.bytes ?? 0) + (f.destination?.bytes ?? 0);
  return `FLOW   ${f['@timestamp']}  ${f.source?.ip}:${f.source?.port} -> ${f.destination?.ip}:${f.destination?.port}/${f.network?.transport}  ${nameOf(f)}  ${where(f)}  ${bytes} B${midStream(f)}`;
}
