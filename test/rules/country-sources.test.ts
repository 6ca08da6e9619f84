/**
 * Rule keys on the second country source: `registrant_country` and `country_disputed`
 * (rules/README.md), and what the shipped china pack makes of a disagreement: china.cn-located
 * needs the location source; only the registrant saying CN is china.cn-disputed (medium).
 * Facts are written by hand here; the databases' own answers are tested in test/enrich/.
 */
import { describe, expect, it } from 'vitest';
import { GroundwatchError } from '../../src/errors.js';
import { RuleEngine } from '../../src/rules/engine.js';
import { defaultRulePaths, loadRules } from '../../src/rules/load.js';
import type { GeoInfo } from '../../src/types.js';
import { engineFor, flow, ids } from './helpers.js';

const locationDb = { type: 'dbip-country', path: '/x/dbip-country.mmdb', buildDate: '2026-06-01T20:32:58.000Z' };
const registrantDb = { type: 'geo-whois-asn-country', path: '/x/geo-whois-asn-country.mmdb', buildDate: '2026-06-17T19:51:40.000Z' };
const both = (countryIso: string | undefined, registrantCountryIso: string | undefined): GeoInfo => ({
  ...(countryIso ? { countryIso } : {}),
  ...(registrantCountryIso ? { registrantCountryIso } : {}),
  countryDb: locationDb,
  registrantDb,
});

describe('registrant_country', () => {
  it('holds on the registrant answer only, and says which database gave it', async () => {
    const e = await engineFor([{ id: 't.reg', match: { registrant_country: ['CN'] } }]);
    const r = e.matchFlow(flow({ ip: '18.162.0.10', geo: both('HK', 'CN') }));
    expect(r.alerts[0]?.reasons).toEqual(['destination.ip 18.162.0.10 is registered to CN (geo-whois-asn-country built 2026-06-17T19:51:40.000Z)']);
    expect(ids(e, flow({ geo: both('CN', 'US') }))).toEqual([]);
  });
});

describe('country_disputed', () => {
  const rule = { id: 't.disputed', match: { country_disputed: ['CN'] } };

  it.each([
    ['HK', 'CN', true],
    ['CN', 'US', true],
    [undefined, 'CN', true],
    ['CN', undefined, true],
    ['CN', 'CN', false],
    ['HK', 'US', false],
    ['TW', 'HK', false],
    [undefined, undefined, false],
  ] as const)('location %s, registrant %s: %s', async (loc, reg, holds) => {
    const e = await engineFor([rule]);
    expect(ids(e, flow({ geo: both(loc, reg) }))).toEqual(holds ? ['t.disputed'] : []);
  });

  it('the reason gives both answers and both databases with dates', async () => {
    const e = await engineFor([rule]);
    const r = e.matchFlow(flow({ ip: '18.162.0.10', geo: both('HK', 'CN') }));
    expect(r.alerts[0]?.reasons).toEqual([
      'the country sources disagree about CN: 18.162.0.10 is located in HK (dbip-country built 2026-06-01T20:32:58.000Z)' +
        ' but registered to CN (geo-whois-asn-country built 2026-06-17T19:51:40.000Z)',
    ]);
  });

  it('one source alone cannot disagree; a special range is never looked up', async () => {
    const e = await engineFor([rule]);
    expect(ids(e, flow({ geo: { countryIso: 'HK', countryDb: locationDb } }))).toEqual([]);
    expect(ids(e, flow({ geo: { registrantCountryIso: 'CN', registrantDb } }))).toEqual([]);
    expect(ids(e, flow({ geo: { special: 'private' } }))).toEqual([]);
  });

  it('hong_kong_macao_as_china: HK counts as CN on both sides, so HK vs CN is no dispute', async () => {
    const e = await engineFor([rule], { hong_kong_macao_as_china: true });
    expect(ids(e, flow({ geo: both('HK', 'CN') }))).toEqual([]);
    expect(ids(e, flow({ geo: both('MO', 'US') }))).toEqual(['t.disputed']);
  });

  it('a bad country code is a load error naming the key', async () => {
    const err = await engineFor([{ id: 't.bad', match: { country_disputed: ['china'] } }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroundwatchError);
    expect((err as GroundwatchError).message).toMatch(/country_disputed.*ISO 3166-1 alpha-2/);
  });
});

describe('the shipped china pack on a disagreement', async () => {
  const engine = new RuleEngine(await loadRules(defaultRulePaths()));
  const cn = (geo: GeoInfo): string[] => ids(engine, flow({ ip: '198.51.100.7', geo })).filter((id) => id.startsWith('china.cn-'));

  it('only the registrant says CN (AWS Hong Kong): china.cn-disputed, not china.cn-located', () => {
    expect(cn(both('HK', 'CN'))).toEqual(['china.cn-disputed']);
    expect(engine.matchFlow(flow({ geo: both('HK', 'CN') })).alerts.find((h) => h.rule.id === 'china.cn-disputed')?.rule.severity).toBe('medium');
  });

  it('the location source says CN: china.cn-located (high) whatever the registrant says, never both', () => {
    expect(cn(both('CN', 'US'))).toEqual(['china.cn-located']);
    expect(cn(both('CN', 'CN'))).toEqual(['china.cn-located']);
  });

  it('the location source has no answer and the registrant says CN: china.cn-disputed', () => {
    expect(cn(both(undefined, 'CN'))).toEqual(['china.cn-disputed']);
  });

  it('neither says CN (Taiwan, Hong Kong): nothing', () => {
    expect(cn(both('TW', 'TW'))).toEqual([]);
    expect(cn(both('HK', 'HK'))).toEqual([]);
  });

  it('with hong_kong_macao_as_china on, HK located is china.cn-located and no longer disputed', async () => {
    const hkAsCn = new RuleEngine(await loadRules(defaultRulePaths(), { options: { hong_kong_macao_as_china: true } }));
    expect(ids(hkAsCn, flow({ geo: both('HK', 'CN') })).filter((id) => id.startsWith('china.cn-'))).toEqual(['china.cn-located']);
  });
});
