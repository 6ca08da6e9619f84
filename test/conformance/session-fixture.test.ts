/**
 * The shipped drone-app session (fixtures/session-dji-mixed.*): recorded from
 * real clients in a private namespace, addresses rewritten offline, each flow
 * categorised in session-dji-mixed.expected.json from the research note and
 * checked there against tshark and the GeoIP data. The three situations the
 * research separates (CN-located, Chinese-operated abroad, DJI first party
 * outside China) must give distinct alerts; benign flows none.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../src/records/ecs.js';
import { REPO_ROOT } from '../support/cli.js';
import { replayFiles } from '../support/replay-harness.js';

interface PlannedFlow {
  transport: string;
  dst: string;
  dstPort: number;
  name: string | null;
  category: 'a' | 'b' | 'c' | 'd' | 'e';
}

const expected = JSON.parse(readFileSync(`${REPO_ROOT}fixtures/session-dji-mixed.expected.json`, 'utf8')) as { flows: PlannedFlow[] };

/**
 * Alert categories each destination must raise, derived from the plan's category and the research
 * note (dji-endpoints.md §0.1 three facts, §1.1 DJI-owned suffixes, §1.3 SDK hosts, §3 resolvers/HTTPDNS).
 */
const DJI_SUFFIXES = ['dji.com', 'djiservice.org', 'djicdn.com', 'dj2006.net'];
const isDji = (name: string | null) => name !== null && DJI_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`));

function expectedCategories(f: PlannedFlow): string[] {
  const out = new Set<string>();
  if (f.category === 'a') out.add('cn_located');
  if (f.category === 'b') out.add('cn_operated');
  if (f.category === 'd') out.add('cn_located').add('cn_resolver');
  if (f.category !== 'e' && isDji(f.name) && f.category !== 'd') out.add('dji_endpoint');
  if (f.category === 'b' && f.name?.endsWith('.qq.com')) out.add('cn_sdk');
  return [...out].sort();
}

describe.each(['session-dji-mixed.pcapng', 'session-dji-mixed.pcap'])('fixtures/%s', (file) => {
  it('gives exactly the expected alert categories per destination, each with reasons and evidence; benign flows none', async () => {
    const r = await replayFiles([`${REPO_ROOT}fixtures/${file}`]);
    const byDst = new Map<string, AlertRecord[]>();
    for (const a of r.alerts) byDst.set(a.destination!.ip, [...(byDst.get(a.destination!.ip) ?? []), a]);

    const wanted = new Map<string, string[]>();
    for (const f of expected.flows) {
      const cats = expectedCategories(f);
      if (f.category === 'e') {
        expect(byDst.get(f.dst), `benign ${f.dst} (${f.name}) must not alert`).toBeUndefined();
        continue;
      }
      wanted.set(f.dst, [...new Set([...(wanted.get(f.dst) ?? []), ...cats])].sort());
    }
    const got = new Map([...byDst].map(([ip, alerts]) => [ip, [...new Set(alerts.map((a) => a.groundwatch.category!))].sort()]));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(wanted));

    for (const a of r.alerts) {
      expect(a.event.kind).toBe('alert');
      expect(a.groundwatch.reasons.length).toBeGreaterThan(0);
      expect(a.rule.id).toMatch(/^(dji|china)\./);
      expect(a.rule.version).toBeTruthy();
      expect(a.destination?.port).toBeTypeOf('number');
      expect(a.network?.transport).toMatch(/^(tcp|udp)$/);
      expect(a.groundwatch.flow.uid).toMatch(/^C/);
      expect(a.groundwatch.geoip?.country_db?.build_date).toBeTruthy();
    }
    // The name travels with the alert wherever it was known (DNS answer or SNI / Host).
    for (const f of expected.flows.filter((x) => x.category !== 'e' && x.category !== 'd' && x.name)) {
      const alerts = byDst.get(f.dst) ?? [];
      expect(alerts.every((a) => a.destination?.domain === f.name), `${f.dst} alerts carry ${f.name}`).toBe(true);
    }
    // A flow to an address located in China is high.
    for (const a of r.alerts.filter((x) => x.groundwatch.category === 'cn_located')) expect(a.groundwatch.severity).toBe('high');
  });
});
