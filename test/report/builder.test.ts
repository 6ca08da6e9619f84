/**
 * The ReportBuilder on records built here, whose facts (gaps, drops, names, alerts) the test
 * sets itself: the verdict's coverage qualifier, the categories from rule categories, the
 * alert-card cap with its stated remainder, and the time window of gaps.
 */
import { describe, expect, it } from 'vitest';
import { ECS_VERSION, type AlertRecord, type CaptureGapRecord, type FlowRecord, type StatsRecord } from '../../src/records/ecs.js';
import { ReportBuilder } from '../../src/report/builder.js';
import { ALERT_CARDS_SHOWN, alertsSection } from '../../src/report/html/alert-cards.js';

function flow(uid: string, dst: string, opts: { domain?: string; bytes?: number; t?: string; local?: boolean; unknown?: 'tls_ech' } = {}): FlowRecord {
  const t = opts.t ?? '2026-11-23T10:00:00.000000000Z';
  return {
    '@timestamp': t, ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: 'groundwatch.flow', start: t, end: t },
    source: { ip: '192.168.2.20', mac: '02-00-00-00-02-14', bytes: 100 },
    destination: { ip: dst, bytes: opts.bytes ?? 900, ...(opts.domain ? { domain: opts.domain } : {}), ...(opts.local ? {} : { geo: { country_iso_code: 'CN' } }) },
    groundwatch: {
      flow: { uid, end_reason: 'fin', start_seen: true, orientation: 'syn' },
      name: opts.domain ? { source: 'tls_sni', evidence: [], conflict: false } : { evidence: [], conflict: false, ...(opts.unknown ? { unknown_reason: opts.unknown } : {}) },
      ...(opts.local ? { jurisdiction: { special_range: 'private' } } : {}),
    },
  };
}

function alert(id: string, uid: string, dst: string, category: NonNullable<AlertRecord['groundwatch']['category']>, severity: AlertRecord['groundwatch']['severity'] = 'high'): AlertRecord {
  return {
    '@timestamp': '2026-11-23T10:00:00.000000000Z', ecs: { version: ECS_VERSION },
    event: { kind: 'alert', dataset: 'groundwatch.alert', id },
    rule: { id: `r.${category}`, name: 'r', ruleset: 'r', version: '1@1' },
    source: { ip: '192.168.2.20' }, destination: { ip: dst },
    groundwatch: { severity, reasons: ['x'], category, flow: { uid }, name: { evidence: [], conflict: false }, repeats: 0, trigger: 'first_packet' },
  };
}

function gap(start: string, end: string): CaptureGapRecord {
  return { '@timestamp': start, ecs: { version: ECS_VERSION }, event: { kind: 'event', dataset: 'groundwatch.capture_gap' }, groundwatch: { gap: { start, end, reason: 'restart', interface: 'eth1' } } };
}

function stats(run: string, dropped: number): StatsRecord {
  return { '@timestamp': '2026-11-23T10:00:00Z', ecs: { version: ECS_VERSION }, event: { kind: 'metric', dataset: 'groundwatch.stats' }, groundwatch: { run_id: run, stats: { packets: { dropped }, sinks: { 'sink.sqlite.dropped': 2 } } } };
}

describe('ReportBuilder', () => {
  it('names gaps, drops and unnamed flows in the verdict, and does not call such a capture complete', () => {
    const b = new ReportBuilder();
    b.addFlow(flow('C1', '203.0.113.9', { domain: 'a.example', bytes: 900 }));
    b.addFlow(flow('C2', '203.0.113.10', { bytes: 300, unknown: 'tls_ech' }));
    b.addFlow(flow('C3', '192.168.2.1', { local: true, bytes: 1000 }));
    b.addGap(gap('2026-11-23T10:00:00Z', '2026-11-23T10:01:30Z'));
    b.addStats(stats('run1', 3));
    b.addStats(stats('run1', 5)); // cumulative: the run's largest count is its total
    b.addStats(stats('run2', 1));
    const m = b.finish({ source: 'store', since: '2026-11-23T00:00:00.000000000Z', until: '2026-11-24T00:00:00.000000000Z' });
    expect(m.verdict.outcome).toBe('none_reached');
    expect(m.verdict.sentence).toBe('No flow from the device 192.168.2.20 reached Chinese networks or DJI endpoints (3 flows examined).');
    // 1 of 2 public flows unnamed; its 400 of 1,400 public bytes = 28.6 %.
    expect(m.verdict.qualifier).toBe(
      'Coverage: 1 capture gap (90.0 s), 6 packets and 4 records dropped in the window; 1 of 2 flows to public addresses (50.0 %) and 28.6 % of their bytes ' +
        'went to destinations whose name could not be learned (tls ech 1); 1 local flow (private, link-local, ...) needs no name. ' +
        'Unnamed destinations were judged by address and network only (a DJI name among them cannot be recognised), and traffic in gaps or dropped was not seen at all: an absence of alerts covers only what was seen.',
    );
    expect(m.coverage.complete).toBe(false);
  });

  it('says capture was complete only with no gap, no drop and every public destination named', () => {
    const b = new ReportBuilder();
    b.addFlow(flow('C1', '203.0.113.9', { domain: 'a.example' }));
    const m = b.finish({ source: 'replay' });
    expect(m.coverage.complete).toBe(true);
    expect(m.verdict.qualifier).toMatch(/Capture was complete and every destination was named\.$/);
  });

  it('takes the category from the rule categories that fired (most concerning wins) and counts the flows', () => {
    const b = new ReportBuilder();
    b.addFlow(flow('C1', '120.55.9.120', { domain: 'x.dji.com' }));
    b.addFlow(flow('C2', '120.55.9.120', { domain: 'x.dji.com' }));
    b.addFlow(flow('C3', '114.114.114.114'));
    b.addFlow(flow('C4', '88.198.70.14', { domain: 'tile.example' }));
    b.addAlert(alert('A1', 'C1', '120.55.9.120', 'cn_located'));
    b.addAlert(alert('A2', 'C1', '120.55.9.120', 'dji_endpoint', 'medium'));
    b.addAlert(alert('A3', 'C3', '114.114.114.114', 'cn_resolver'));
    b.addAlert(alert('A4', 'C4', '88.198.70.14', 'local_data_mode', 'critical'));
    const m = b.finish({ source: 'replay' });
    const cat = Object.fromEntries(m.destinations.map((d) => [d.key, d.category]));
    expect(cat).toEqual({ 'x.dji.com': 'dji_first_party', '114.114.114.114': 'chinese_resolver', 'tile.example': 'other' });
    expect(m.destinations.map((d) => d.key)).toEqual(['x.dji.com', '114.114.114.114', 'tile.example']);
    expect(m.verdict.concerning_flows).toBe(3);
    expect(m.verdict.worst_severity).toBe('high'); // the critical local-data-mode alert is not about China or DJI
    expect(m.verdict.sentence).toMatch(/^3 flows from the device 192\.168\.2\.20 reached .*x\.dji\.com \(CN; DJI first party\); 114\.114\.114\.114 \(CN; Chinese resolver\)\. Worst severity: high\.$/);
  });

  it('draws at most ALERT_CARDS_SHOWN cards and states how many more there are; the model keeps all', () => {
    const b = new ReportBuilder();
    const n = ALERT_CARDS_SHOWN + 37;
    for (let i = 0; i < n; i++) b.addAlert(alert(`A${i}`, `C${i}`, '120.55.9.120', 'cn_located'));
    const m = b.finish({ source: 'replay' });
    expect(m.alerts).toHaveLength(n);
    const html = alertsSection(m);
    expect(html.match(/<article class="card /g)).toHaveLength(ALERT_CARDS_SHOWN);
    expect(html).toContain(`37 more alerts are not shown as cards (the ${ALERT_CARDS_SHOWN} shown are the most severe, then the earliest). All ${n} are in the JSON report`);
  });
});
