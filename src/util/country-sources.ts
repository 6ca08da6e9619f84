/**
 * Two separately named country facts about one address: where it is (the location database)
 * and who registered its block (the registrant database, whois / RIR data). They answer
 * different questions and often differ for clouds; this only says whether they disagree
 * about a set of countries. What a disagreement means is for the rules (rules/README.md).
 */
import type { GeoInfo } from '../types.js';

/** Mainland China as ISO 3166-1 codes it: HK, MO and TW have codes of their own and are not in it. */
export const MAINLAND_CHINA: ReadonlySet<string> = new Set(['CN']);

/**
 * True when exactly one of the two sources places the address in `countries`. Only when both
 * databases were consulted: one source alone cannot disagree. A source with no answer for the
 * address counts as "not in the set" (the other one's claim stands alone).
 */
export function sourcesDisagreeAbout(geo: GeoInfo, countries: ReadonlySet<string>): boolean {
  if (geo.special || !geo.countryDb || !geo.registrantDb) return false;
  const located = geo.countryIso !== undefined && countries.has(geo.countryIso.toUpperCase());
  const registered = geo.registrantCountryIso !== undefined && countries.has(geo.registrantCountryIso.toUpperCase());
  return located !== registered;
}
