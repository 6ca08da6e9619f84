/**
 * ECS conformance, with ECS's own field definitions as the oracle (the `@elastic/ecs`
 * package: EcsFlat, generated from ECS's ecs_flat.yml, and EcsVersion). Every record the
 * built CLI writes for the recorded session and for all the peer captures is checked field by
 * field (test/support/ecs-conformance.ts says how); so are the capture-gap records the
 * monitor writes, which a replay never produces.
 */
import { describe, expect, it } from 'vitest';
import { buildCaptureGapRecord } from '../../src/daemon/capture-gap.js';
import { ECS_VERSION } from '../../src/records/ecs.js';
import { runCli } from '../support/cli.js';
import { ecsRequiredFields, ecsViolations, EcsVersion } from '../support/ecs-conformance.js';
import { FIXTURES_DIR, PEER_PCAP_DIR } from '../support/fixture-paths.js';

type JsonRecord = Record<string, unknown>;

function replayRecords(input: string): JsonRecord[] {
  const r = runCli(['replay', input, '--format', 'ndjson', '--events', 'all', '--no-db', '--fail-on', 'never', '--no-summary']);
  expect(r.stderr).not.toMatch(/^groundwatch: [A-Z_]+:/m);
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n').map((line) => JSON.parse(line) as JsonRecord);
}

/** `dataset: [violations]` for the records that break ECS (empty when all conform). */
function violationsByDataset(records: JsonRecord[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rec of records) {
    const problems = ecsViolations(rec);
    if (problems.length === 0) continue;
    const dataset = String((rec.event as JsonRecord | undefined)?.dataset);
    out[dataset] = [...new Set([...(out[dataset] ?? []), ...problems])];
  }
  return out;
}

function datasets(records: JsonRecord[]): string[] {
  return [...new Set(records.map((r) => String((r.event as JsonRecord).dataset)))].sort();
}

describe('records conform to ECS', () => {
  it('declares the ECS release whose definitions it is checked against', () => {
    expect(ECS_VERSION).toBe(EcsVersion);
    expect(ecsRequiredFields().sort()).toEqual(['@timestamp', 'ecs.version']);
  });

  it('the recorded DJI session: flow, dns, alert and stats records', () => {
    const records = replayRecords(`${FIXTURES_DIR}session-dji-mixed.pcapng`);
    expect(datasets(records)).toEqual(['groundwatch.alert', 'groundwatch.dns', 'groundwatch.flow', 'groundwatch.stats']);
    // Both kinds of alert (flow and DNS query), SNI and MAC fields: the checks below have something to check.
    expect(records.some((r) => (r.groundwatch as JsonRecord).trigger === 'dns_query')).toBe(true);
    expect(records.some((r) => (r.tls as { client?: { server_name?: string } } | undefined)?.client?.server_name)).toBe(true);
    expect(records.some((r) => (r.source as { mac?: string } | undefined)?.mac)).toBe(true);
    expect(violationsByDataset(records)).toEqual({});
    for (const r of records) expect(r.ecs).toEqual({ version: EcsVersion });
  });

  it('every peer capture (29 files, as one replay)', () => {
    const records = replayRecords(PEER_PCAP_DIR);
    expect(records.filter((r) => (r.event as JsonRecord).dataset === 'groundwatch.flow').length).toBeGreaterThan(50);
    expect(violationsByDataset(records)).toEqual({});
  });

  it('capture-gap records (open and closed gaps)', () => {
    const start = new Date('2026-11-23T09:00:00.000Z');
    const end = new Date('2026-11-23T09:00:05.250Z');
    const open = buildCaptureGapRecord({ start, reason: 'interface_down', interfaceName: 'wlan0' }, 'run-1');
    const closed = buildCaptureGapRecord({ start, end, reason: 'interface_down', interfaceName: 'wlan0' }, 'run-1');
    expect(violationsByDataset([open as unknown as JsonRecord, closed as unknown as JsonRecord])).toEqual({});
  });
});

describe('the ECS check itself can fail', () => {
  // The violations issue 13 found in records written before this test existed, each caught.
  const conforming: JsonRecord = {
    '@timestamp': '2026-11-23T09:37:24.787701000Z',
    ecs: { version: EcsVersion },
    event: { kind: 'event', category: ['network'], type: ['connection', 'end'], dataset: 'groundwatch.flow' },
    source: { ip: '192.168.2.20', port: 58486, mac: '02-00-00-00-02-14' },
    dns: { id: '4660' },
    tls: { client: { server_name: 'flysafe-api.dji.com' } },
    groundwatch: { name: { evidence: [{ dns_chain: ['a.example'] }] }, bytes_so_far: 10 },
  };
  const broken = (patch: (r: JsonRecord) => void): string[] => {
    const r = structuredClone(conforming);
    patch(r);
    return ecsViolations(r);
  };

  it('passes the conforming record', () => {
    expect(ecsViolations(conforming)).toEqual([]);
  });
  it('missing ecs.version', () => {
    expect(broken((r) => delete r.ecs)).toEqual(['ecs.version: required by ECS, missing']);
  });
  it('MAC with colons', () => {
    expect(broken((r) => ((r.source as JsonRecord).mac = '02:00:00:00:02:14'))).toEqual([
      'source.mac: "02:00:00:00:02:14" does not match ECS pattern ^[A-F0-9]{2}(-[A-F0-9]{2}){5,}$',
    ]);
  });
  it('numeric dns.id', () => {
    expect(broken((r) => ((r.dns as JsonRecord).id = 4660))).toEqual(['dns.id: ECS type keyword, got 4660 (not a string)']);
  });
  it('a field ECS does not have', () => {
    expect(broken((r) => ((r.tls as JsonRecord).sni = 'x.example'))).toEqual(['tls.sni: not an ECS field, got "x.example"']);
  });
  it('event.kind and event.type outside the allowed values', () => {
    expect(broken((r) => ((r.event as JsonRecord).kind = 'flow'))).toHaveLength(1);
    expect(broken((r) => ((r.event as JsonRecord).type = ['connection', 'query']))).toEqual([
      expect.stringMatching(/^event\.type: "query" is not one of ECS's allowed values/),
      expect.stringMatching(/^event\.type: "query" is not one ECS expects with event\.category network/),
    ]);
    expect(broken((r) => ((r.event as JsonRecord).type = ['creation']))).toEqual([
      expect.stringMatching(/^event\.type: "creation" is not one ECS expects with event\.category network/),
    ]);
  });
  it('a single value where ECS wants an array, an IP that is not one, a date that is not one', () => {
    expect(broken((r) => ((r.event as JsonRecord).category = 'network'))).toEqual(['event.category: ECS normalises it to an array, got "network"']);
    expect(broken((r) => ((r.source as JsonRecord).ip = '192.168.2'))).toEqual(['source.ip: ECS type ip, got "192.168.2" (not an IP address)']);
    expect(broken((r) => (r['@timestamp'] = 1795426644.787))).toEqual(['@timestamp: ECS type date, got 1795426644.787 (not an ISO 8601 date-time)']);
  });
  it('camelCase under groundwatch.*', () => {
    expect(broken((r) => ((r.groundwatch as JsonRecord).name = { evidence: [{ dnsChain: ['a.example'] }] }))).toEqual([
      'groundwatch.name.evidence.dnsChain: segment "dnsChain" is not snake_case',
    ]);
  });
});
