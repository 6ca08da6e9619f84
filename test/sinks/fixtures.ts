/** Record builders for sink tests: realistic ECS shapes with per-test overrides. */
import { ECS_VERSION, type AlertRecord, type CaptureRun, type DnsRecord, type FlowRecord } from '../../src/records/ecs.js';
import type { Severity } from '../../src/types.js';

export interface FlowOpts {
  uid?: string; ts?: string; src?: string; sport?: number; mac?: string; dst?: string; dport?: number;
  domain?: string; transport?: string; country?: string; asn?: number; org?: string;
}

export function makeFlow(o: FlowOpts = {}): FlowRecord {
  const ts = o.ts ?? '2021-09-01T10:00:00.000000000Z';
  return {
    '@timestamp': ts,
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: 'groundwatch.flow', category: ['network'], type: ['connection', 'end'], start: ts, end: ts, duration: 1500000000 },
    source: { ip: o.src ?? '192.168.1.20', port: o.sport ?? 50000, mac: o.mac ?? '60-60-1F-AA-BB-CC', bytes: 1200, packets: 10 },
    destination: {
      ip: o.dst ?? '47.88.1.2', port: o.dport ?? 443, ...(o.domain === undefined ? {} : { domain: o.domain }), bytes: 5400, packets: 8,
      geo: { country_iso_code: o.country ?? 'CN' },
      as: { number: o.asn ?? 45102, organization: { name: o.org ?? 'Alibaba US Technology Co., Ltd.' } },
    },
    network: { transport: o.transport ?? 'tcp', iana_number: '6', community_id: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=' },
    tls: { client: { server_name: o.domain ?? '' } },
    groundwatch: {
      flow: { uid: o.uid ?? 'Cflow1', end_reason: 'fin', start_seen: true, orientation: 'syn' },
      name: { ...(o.domain === undefined ? {} : { source: 'tls_sni' as const }), evidence: o.domain === undefined ? [] : [{ host: o.domain, source: 'tls_sni', ts: 1630490400 }], conflict: false },
      jurisdiction: { operator_country: 'CN', operator_name: 'Alibaba' },
      tls: { version: 'TLS 1.3', alpn: ['h2'] },
    },
  };
}

export interface AlertOpts extends FlowOpts {
  id?: string; severity?: Severity; rule?: string; category?: AlertRecord['groundwatch']['category'];
}

const SEVERITY_NUM: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export function makeAlert(o: AlertOpts = {}): AlertRecord {
  const flow = makeFlow(o);
  const severity = o.severity ?? 'high';
  return {
    '@timestamp': flow['@timestamp'],
    ecs: { version: ECS_VERSION },
    event: { kind: 'alert', dataset: 'groundwatch.alert', id: o.id ?? 'A1', severity: SEVERITY_NUM[severity], category: ['network'] },
    source: flow.source!,
    destination: flow.destination!,
    network: flow.network!,
    rule: { id: o.rule ?? 'gw.dji.endpoint', name: 'DJI endpoint', ruleset: 'groundwatch-default', version: '2021.09.1' },
    groundwatch: {
      severity,
      reasons: [`destination.domain ${o.domain ?? '?'} matches *.djicdn.com`],
      category: o.category ?? 'dji_endpoint',
      flow: { uid: flow.groundwatch.flow.uid },
      name: flow.groundwatch.name,
      jurisdiction: flow.groundwatch.jurisdiction!,
      repeats: 0,
      trigger: 'tls_sni',
    },
  };
}

export function makeDns(uid = 'Cdns1'): DnsRecord {
  return {
    '@timestamp': '2021-09-01T10:00:00.100000000Z',
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: 'groundwatch.dns' },
    source: { ip: '192.168.1.20', port: 53000 },
    destination: { ip: '114.114.114.114', port: 53 },
    network: { transport: 'udp' },
    dns: {
      id: '4660', type: 'answer', question: { name: 'mydjiflight.dji.com', type: 'A' },
      answers: [{ name: 'mydjiflight.dji.com', type: 'A', ttl: 60, data: '47.88.1.2' }],
      resolved_ip: ['47.88.1.2'], response_code: 'NOERROR',
    },
    groundwatch: { flow: { uid } },
  };
}

export function makeRun(id = 'R1'): CaptureRun {
  return {
    id, tool_version: '0.1.0', mode: 'replay', started_at: '2026-01-01T00:00:00.000Z',
    sources: [{ path: 'a.pcap', size: 10, sha256: 'ab'.repeat(32), format: 'pcap', compressed: false }],
    packets: 0, anomalies: 0, flows: 0, alerts: 0, rules: ['rules/default.yaml'],
  };
}
