/**
 * Predicates on the second country source: `registrant_country` (who registered the block,
 * whois / RIR data) and `country_disputed` (location and registrant disagree about a country
 * list). `country` itself is the location answer (predicates-net.ts).
 */
import { sourcesDisagreeAbout } from '../util/country-sources.js';
import { geoDbNote, peerIp, type Predicate } from './predicates.js';
import type { MatchContext } from './context.js';

export function registrantCountryPredicate(countries: string[], viaOption: Map<string, string>): Predicate {
  const set = new Set(countries);
  return {
    key: 'registrant_country',
    test(ctx) {
      const c = ctx.geo.registrantCountryIso?.toUpperCase();
      if (!c || !set.has(c)) return null;
      const note = viaOption.get(c);
      return [`${peerIp(ctx)} is registered to ${c}${note ? ` (${note})` : ''}${geoDbNote(ctx.geo.registrantDb)}`];
    },
  };
}

/** Holds when exactly one of the two sources places the address in the list (both must answer the look-up). */
export function countryDisputedPredicate(countries: string[]): Predicate {
  const set = new Set(countries);
  const listed = countries.join(', ');
  return {
    key: 'country_disputed',
    test(ctx) {
      if (!sourcesDisagreeAbout(ctx.geo, set)) return null;
      return [`the country sources disagree about ${listed}: ${answers(ctx)}`];
    },
  };
}

function answers(ctx: MatchContext): string {
  const g = ctx.geo;
  const located = `located in ${g.countryIso ?? 'no answer'}${geoDbNote(g.countryDb)}`;
  const registered = `registered to ${g.registrantCountryIso ?? 'no answer'}${geoDbNote(g.registrantDb)}`;
  return `${ctx.ipText} is ${located} but ${registered}`;
}
