/**
 * What the window's evidence covers: capture gaps and drops, and the flows and bytes whose
 * destination could not be named (encrypted DNS, ECH, no SNI). An absence of alerts only
 * means something when capture was complete and the destinations were named.
 */
import type { CaptureGapRecord, FlowRecord, StatsRecord } from '../records/ecs.js';
import type { Coverage } from './schema.js';

interface Gap {
  start: number;
  end: number | null;
}

export class CoverageTally {
  private flows = 0;
  private bytes = 0;
  private unnamedFlows = 0;
  private unnamedBytes = 0;
  private publicBytes = 0;
  private localFlows = 0;
  private readonly reasons = new Map<string, number>();
  private readonly gaps: Gap[] = [];
  /** Stats records are cumulative per run: the largest count of each run is its total. */
  private readonly droppedByRun = new Map<string, { packets: number; records: number }>();

  addFlow(rec: FlowRecord): void {
    const bytes = (rec.source?.bytes ?? 0) + (rec.destination?.bytes ?? 0);
    this.flows++;
    this.bytes += bytes;
    // A local destination (private, link-local, ...) is not egress: whether it was named says nothing about coverage.
    if (rec.groundwatch.jurisdiction?.special_range !== undefined) {
      this.localFlows++;
      return;
    }
    this.publicBytes += bytes;
    if (rec.groundwatch.name.source === undefined) {
      this.unnamedFlows++;
      this.unnamedBytes += bytes;
      const reason = rec.groundwatch.name.unknown_reason ?? 'unknown';
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    }
  }

  addGap(rec: CaptureGapRecord): void {
    const g = rec.groundwatch.gap;
    this.gaps.push({ start: Date.parse(g.start), end: g.end ? Date.parse(g.end) : null });
  }

  addStats(rec: StatsRecord): void {
    const stats = rec.groundwatch.stats as { packets?: { dropped?: number }; sinks?: Record<string, number> };
    const run = rec.groundwatch.run_id ?? '';
    const packets = stats.packets?.dropped ?? 0;
    const records = Object.entries(stats.sinks ?? {}).filter(([k]) => k.endsWith('.dropped')).reduce((s, [, v]) => s + v, 0);
    const prev = this.droppedByRun.get(run) ?? { packets: 0, records: 0 };
    this.droppedByRun.set(run, { packets: Math.max(prev.packets, packets), records: Math.max(prev.records, records) });
  }

  summary(window: { start: string | null; end: string | null }, inputIncomplete = false): Coverage {
    const from = window.start ? Date.parse(window.start) : -Infinity;
    const to = window.end ? Date.parse(window.end) : Infinity;
    let gapMs = 0;
    let gaps = 0;
    for (const g of this.gaps) {
      const end = g.end ?? to;
      if (end < from || g.start > to) continue;
      gaps++;
      // A gap still open at the end of the window counts up to the window's end.
      if (Number.isFinite(end)) gapMs += Math.max(0, Math.min(end, to) - Math.max(g.start, from));
    }
    let packetsDropped = 0;
    let recordsDropped = 0;
    for (const d of this.droppedByRun.values()) {
      packetsDropped += d.packets;
      recordsDropped += d.records;
    }
    const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
    return {
      flows_total: this.flows,
      bytes_total: this.bytes,
      unnamed_flows: this.unnamedFlows,
      unnamed_bytes: this.unnamedBytes,
      local_flows: this.localFlows,
      unnamed_flow_share: share(this.unnamedFlows, this.flows - this.localFlows),
      unnamed_byte_share: share(this.unnamedBytes, this.publicBytes),
      unknown_reasons: Object.fromEntries([...this.reasons].sort(([a], [b]) => (a < b ? -1 : 1))),
      capture_gaps: gaps,
      capture_gap_seconds: gapMs / 1000,
      packets_dropped: packetsDropped,
      records_dropped: recordsDropped,
      input_incomplete: inputIncomplete,
      complete: gaps === 0 && packetsDropped === 0 && recordsDropped === 0 && this.unnamedFlows === 0 && !inputIncomplete,
    };
  }
}
