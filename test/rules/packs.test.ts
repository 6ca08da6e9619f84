/**
 * The shipped packs against the situations of the research note
 * (/work/shared/research/dji-endpoints.md §0.1, §1.4, §2.3, §3, §5).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RuleEngine } from '../../src/rules/engine.js';
import { defaultRulePaths, loadRules, rulesDir } from '../../src/rules/load.js';
import type { FlowFacts, RuleHit } from '../../src/rules/types.js';
import type { GeoInfo } from '../../src/types.js';

const db = { type: 'GeoLite2-Country', path: '/geo/country.mmdb', buildDate: '2026-06-17' };

function facts(ip: string, geo: GeoInfo, domain?: string, port = 443): FlowFacts {
  return {
    device: { ip: '192.168.1.10' },
    destination: { ip, port, transport: 'tcp', names: [], ...(domain ? { domain, nameSource: 'tls_sni' as const } : {}) },
    geo,
  };
}

const summary = (hits: RuleHit[]): [string, string][] => hits.map((h) => [h.rule.id, h.rule.category]);

describe('every shipped pack loads', () => {
  it.each(['dji.yaml', 'china.yaml', 'local-data-mode.yaml', 'visibility.yaml'])('%s', async (file) => {
    const set = await loadRules([join(rulesDir(), file)]);
    expect(set.rules.length).toBeGreaterThan(0);
    for (const r of set.rules) {
      expect(r.purpose.length).toBeGreaterThan(10);
      expect(r.source).toMatch(/dji-endpoints\.md/);
    }
  });

  it('the rules/ directory loads as a whole (operators.yaml and README skipped)', async () => {
    const set = await loadRules([rulesDir()]);
    expect(set.rulesets.map((r) => r.name).sort()).toEqual(['china', 'dji', 'local-data-mode', 'visibility']);
  });

  it('default paths are dji + china (local-data-mode is opt-in)', () => {
    expect(defaultRulePaths().map((p) => p.split('/').pop())).toEqual(['dji.yaml', 'china.yaml']);
  });
});

describe('the three situations of the research note give three distinct alerts', async () => {
  const engine = new RuleEngine(await loadRules(defaultRulePaths()));

  it('CN-located address: cn_located, severity high', () => {
    const r = engine.matchFlow(facts('120.24.10.20', { countryIso: 'CN', asn: 37963, operatorCountry: 'CN', operatorName: 'Alibaba', countryDb: db }, 'cdn.example.net'));
    expect(summary(r.alerts)).toEqual([['china.cn-located', 'cn_located']]);
    expect(r.alerts[0]?.rule.severity).toBe('high');
    expect(r.alerts[0]?.reasons).toEqual(['destination.ip 120.24.10.20 is located in CN (GeoLite2-Country built 2026-06-17)']);
  });

  it('Chinese-operated network outside CN (Alibaba AS45102 in HK): cn_operated', () => {
    const r = engine.matchFlow(facts('47.91.161.231', { countryIso: 'HK', asn: 45102, operatorCountry: 'CN', operatorName: 'Alibaba Cloud' }, 'cdn.example.net'));
    expect(summary(r.alerts)).toEqual([['china.cn-operated-abroad', 'cn_operated']]);
    expect(r.alerts[0]?.reasons[0]).toBe('AS45102 is operated by Alibaba Cloud (CN)');
    expect(r.alerts[0]?.reasons[1]).toBe("destination.ip 47.91.161.231 is outside the rule's exception (country: CN)");
  });

  it('DJI first-party endpoint outside China (flysafe-api.dji.com at an AWS US address): dji_endpoint only', () => {
    const r = engine.matchFlow(facts('3.208.0.10', { countryIso: 'US', asn: 16509, asOrg: 'AMAZON-AES', operatorCountry: 'US' }, 'flysafe-api.dji.com'));
    expect(summary(r.alerts)).toEqual([['dji.first-party.domain', 'dji_endpoint']]);
    expect(['low', 'medium']).toContain(r.alerts[0]?.rule.severity);
  });

  it('a DJI name at an Alibaba address in CN gives every applicable hit', () => {
    const r = engine.matchFlow(
      facts('120.24.10.20', { countryIso: 'CN', asn: 37963, operatorCountry: 'CN', operatorName: 'Alibaba' }, 'mydjiflight.dji.com'),
    );
    expect(summary(r.alerts)).toEqual([
      ['dji.first-party.domain', 'dji_endpoint'],
      ['dji.flight-record.upload', 'dji_endpoint'],
      ['china.cn-located', 'cn_located'],
    ]);
    for (const h of r.alerts) expect(h.reasons.length).toBeGreaterThan(0);
  });

  it('a benign EU / US destination gives nothing', () => {
    expect(engine.matchFlow(facts('185.15.59.224', { countryIso: 'NL', asn: 14907, operatorCountry: 'US' }, 'www.wikipedia.org')).alerts).toEqual([]);
    expect(engine.matchFlow(facts('140.82.121.4', { countryIso: 'DE', asn: 36459, operatorCountry: 'US' }, 'github.com')).alerts).toEqual([]);
  });

  it('local tablet <-> aircraft traffic is never alerted (§1.4)', () => {
    const local = facts('192.168.2.1', { special: 'private' }, undefined, 9003);
    local.destination.transport = 'udp';
    local.destination.unknownName = 'not_inspected';
    expect(engine.matchFlow(local).alerts).toEqual([]);
  });

  it('Chinese resolvers by address and DoH name, and the AMap HTTPDNS literal (§3)', () => {
    const r = engine.matchFlow(facts('119.29.29.29', { countryIso: 'HK', asn: 132203, operatorCountry: 'CN' }, undefined, 53));
    expect(summary(r.alerts)).toContainEqual(['china.resolver.address', 'cn_resolver']);
    expect(summary(r.alerts)).toContainEqual(['china.cn-operated-abroad', 'cn_operated']);
    expect(summary(engine.matchFlow(facts('1.12.12.12', {}, 'doh.pub')).alerts)).toContainEqual(['china.resolver.encrypted-name', 'cn_resolver']);
    expect(summary(engine.matchFlow(facts('203.107.1.1', {}, undefined, 80)).alerts)).toContainEqual(['china.httpdns.address', 'cn_resolver']);
    const v6 = engine.matchFlow(facts('2400:3200::1', {}, undefined, 53));
    expect(summary(v6.alerts)).toContainEqual(['china.resolver.address', 'cn_resolver']);
  });

  it('a DJI name asked of a Chinese resolver is an event of its own', () => {
    const r = engine.matchDnsQuery({
      device: { ip: '192.168.1.10' }, resolver: { ip: '223.5.5.5', port: 53, transport: 'udp' }, resolverGeo: {}, qname: 'account-api.dji.com', qtype: 'A',
    });
    expect(summary(r.alerts)).toEqual([['china.dns-query.dji-name', 'cn_resolver']]);
    const local = engine.matchDnsQuery({
      device: { ip: '192.168.1.10' }, resolver: { ip: '192.168.1.1', port: 53, transport: 'udp' }, resolverGeo: { special: 'private' }, qname: 'account-api.dji.com', qtype: 'A',
    });
    expect(local.alerts).toEqual([]);
  });

  it('third-party Chinese SDK hosts from DJI apps (§1.3)', () => {
    for (const host of ['android.bugly.qq.com', 'im64.jpush.cn', 'apilocate.amap.com', 'api.share.mob.com', 'conf.international.baidu.com']) {
      const r = engine.matchFlow(facts('192.0.2.9', { countryIso: 'NL' }, host));
      expect(summary(r.alerts).map(([, c]) => c)).toContain('cn_sdk');
    }
  });

  it('default packs never alert on an unnamed benign destination', () => {
    const unnamed = facts('198.51.100.7', { countryIso: 'NL' });
    unnamed.destination.unknownName = 'tls_no_sni';
    expect(engine.matchFlow(unnamed).alerts).toEqual([]);
  });

  it('visibility pack (opt-in): unnamed public destinations and encrypted DNS are info, DNS/NTP are not', async () => {
    const engine = new RuleEngine(await loadRules([...defaultRulePaths(), join(rulesDir(), 'visibility.yaml')]));
    const unnamed = facts('198.51.100.7', { countryIso: 'NL' });
    unnamed.destination.unknownName = 'tls_no_sni';
    const r = engine.matchFlow(unnamed);
    expect(summary(r.alerts)).toEqual([['visibility.unnamed-destination', 'unnamed']]);
    expect(r.alerts[0]?.rule.severity).toBe('info');
    const ntp = facts('198.51.100.7', { countryIso: 'NL' }, undefined, 123);
    ntp.destination.transport = 'udp';
    expect(engine.matchFlow(ntp).alerts).toEqual([]);
    const dot = facts('9.9.9.9', { countryIso: 'CH' }, undefined, 853);
    dot.destination.encryptedDns = 'dot';
    dot.destination.unknownName = 'encrypted_dns';
    expect(summary(engine.matchFlow(dot).alerts)).toEqual([['visibility.encrypted-dns', 'unnamed']]);
  });
});

describe('Hong Kong / Macao switch', () => {
  const hk: GeoInfo = { countryIso: 'HK', asn: 45102, operatorCountry: 'CN', operatorName: 'Alibaba Cloud' };

  it('off by default: HK-located is not CN-located', async () => {
    const engine = new RuleEngine(await loadRules(defaultRulePaths()));
    const ids = engine.matchFlow(facts('47.91.161.231', hk, 'cdn.example.net')).alerts.map((h) => h.rule.id);
    expect(ids).not.toContain('china.cn-located');
    expect(ids).toContain('china.cn-operated-abroad');
  });

  it('on: HK counts as CN, and the reason says the switch did it', async () => {
    const engine = new RuleEngine(await loadRules(defaultRulePaths(), { options: { hong_kong_macao_as_china: true } }));
    const r = engine.matchFlow(facts('47.91.161.231', { ...hk, countryDb: db }, 'cdn.example.net'));
    expect(r.alerts.map((h) => h.rule.id)).toEqual(['china.cn-located']);
    expect(r.alerts[0]?.reasons[0]).toBe(
      'destination.ip 47.91.161.231 is located in HK (counted as CN: option hong_kong_macao_as_china is on) (GeoLite2-Country built 2026-06-17)',
    );
    const mo = engine.matchFlow(facts('202.175.1.1', { countryIso: 'MO' }, 'www.example.mo')).alerts.map((h) => h.rule.id);
    expect(mo).toEqual(['china.cn-located']);
  });

  it('the switch is documented and off in china.yaml', async () => {
    const doc = parse(await readFile(join(rulesDir(), 'china.yaml'), 'utf8')) as { options: Record<string, unknown> };
    expect(doc.options).toEqual({ hong_kong_macao_as_china: false });
  });
});

describe('local-data-mode profile', async () => {
  const engine = new RuleEngine(await loadRules([...defaultRulePaths(), join(rulesDir(), 'local-data-mode.yaml')]));

  it('any egress is a high violation; local traffic is not', () => {
    const r = engine.matchFlow(facts('185.15.59.224', { countryIso: 'NL' }, 'www.wikipedia.org'));
    expect(summary(r.alerts)).toEqual([['local-data-mode.egress', 'local_data_mode']]);
    expect(r.alerts[0]?.rule.severity).toBe('high');
    expect(engine.matchFlow(facts('192.168.2.1', { special: 'private' })).alerts).toEqual([]);
  });

  it('Mapbox tiles are allowed, Mapbox telemetry is not', () => {
    const tiles = engine.matchFlow(facts('192.0.2.50', { countryIso: 'US' }, 'api.mapbox.com'));
    expect(tiles.alerts).toEqual([]);
    expect(tiles.allowedBy.map((h) => h.rule.id)).toEqual(['local-data-mode.allow.map-tiles']);
    expect(tiles.suppressed.map((h) => h.rule.id)).toEqual(['local-data-mode.egress']);
    const events = engine.matchFlow(facts('192.0.2.50', { countryIso: 'US' }, 'events.mapbox.com'));
    expect(events.alerts.map((h) => h.rule.id)).toEqual(['local-data-mode.egress']);
  });

  it('the GEO-unlock exception ships disabled', () => {
    const r = engine.matchFlow(facts('3.208.0.10', { countryIso: 'US' }, 'flysafe-api.dji.com'));
    expect(r.alerts.map((h) => h.rule.id)).toEqual(['dji.first-party.domain', 'local-data-mode.egress']);
  });
});

describe('pack consistency', () => {
  it('the DNS-query rule asks about every H and M DJI suffix of the dji pack', async () => {
    const dji = await loadRules([join(rulesDir(), 'dji.yaml')]);
    const text = parse(await readFile(join(rulesDir(), 'dji.yaml'), 'utf8')) as { rules: { id: string; match: { domain_suffix?: string[] } }[] };
    const suffixes = text.rules
      .filter((r) => r.id === 'dji.first-party.domain' || r.id === 'dji.first-party.domain-m')
      .flatMap((r) => r.match.domain_suffix ?? []);
    expect(dji.rules.length).toBeGreaterThan(0);
    const china = parse(await readFile(join(rulesDir(), 'china.yaml'), 'utf8')) as { rules: { id: string; match: { dns_query?: { name_suffix?: string[] } } }[] };
    const asked = china.rules.find((r) => r.id === 'china.dns-query.dji-name')?.match.dns_query?.name_suffix ?? [];
    expect([...asked].sort()).toEqual([...suffixes].sort());
  });
});
