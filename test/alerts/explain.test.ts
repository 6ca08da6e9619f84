import { describe, expect, it } from 'vitest';
import { explainDestination } from '../../src/alerts/explain.js';
import { RuleEngine } from '../../src/rules/engine.js';
import { defaultRulePaths, loadRules } from '../../src/rules/load.js';

describe('explainDestination', async () => {
  const engine = new RuleEngine(await loadRules(defaultRulePaths()));

  it('lists the facts, each firing rule and every reason', () => {
    const lines = explainDestination(engine, '120.24.10.20', 'flysafe-api.dji.com', {
      countryIso: 'CN', asn: 37963, asOrg: 'Alibaba', operatorCountry: 'CN', operatorName: 'Alibaba Cloud',
      countryDb: { type: 'GeoLite2-Country', path: '/x', buildDate: '2026-06-17' },
    });
    const text = lines.join('\n');
    expect(lines[0]).toBe('destination 120.24.10.20:443/tcp name flysafe-api.dji.com (as if learned from tls_sni)');
    expect(text).toContain('  located in: CN [MaxMind GeoLite2 Country, built 2026-06-17]');
    expect(text).toContain('  operated by: Alibaba Cloud (CN)');
    expect(text).toMatch(/^ALERT dji\.first-party\.domain v1 \(dji@2026\.11\.1, confidence H\) severity=medium category=dji_endpoint/m);
    expect(text).toMatch(/^ALERT china\.cn-located .*severity=high category=cn_located/m);
    expect(text).toContain('    because destination.domain flysafe-api.dji.com is under dji.com (learned from tls_sni)');
    expect(text).not.toContain('china.cn-operated-abroad');
  });

  it('shows the registrant country beside the location, and a registrant-only CN as china.cn-disputed', () => {
    const text = explainDestination(engine, '18.162.0.10', undefined, {
      countryIso: 'HK', registrantCountryIso: 'CN', asn: 16509,
      countryDb: { type: 'dbip-country', path: '/x', buildDate: '2026-06-01' },
      registrantDb: { type: 'geo-whois-asn-country', path: '/y', buildDate: '2026-06-17' },
    }).join('\n');
    expect(text).toContain('  located in: HK [DB-IP Lite Country, built 2026-06-01]\n  registered to: CN [ip-location-db registrant (whois) country, built 2026-06-17]');
    expect(text).toMatch(/^ALERT china\.cn-disputed v1 .*severity=medium category=cn_located/m);
    expect(text).not.toMatch(/^ALERT china\.cn-located/m);
  });

  it('says so when nothing matches', () => {
    const lines = explainDestination(engine, '185.15.59.224', 'www.wikipedia.org', { countryIso: 'NL', asn: 14907 }, { port: 443 });
    expect(lines.at(-1)).toMatch(/^no rule matches \(\d+ rules loaded\)$/);
  });
});
