/**
 * What a destination is, for a reader: derived from the categories of the rules that fired
 * for it (rules/*.yaml `category`), never from names hard-coded here. Analysers report what
 * they saw and the rule packs decide what it means; the report only translates the packs'
 * categories into the words of the audits (DJI first party, third-party SDK, ...).
 */
import type { DestinationCategory } from './schema.js';
import type { Severity } from '../types.js';

const FROM_ALERT_CATEGORY: Record<string, DestinationCategory> = {
  dji_endpoint: 'dji_first_party',
  cn_sdk: 'third_party_sdk',
  cn_resolver: 'chinese_resolver',
  cn_located: 'chinese_network',
  cn_operated: 'chinese_network',
};

/** Most concerning first: the order of the inventory, the timeline lanes and the verdict. */
export const CONCERN_ORDER: readonly DestinationCategory[] = ['dji_first_party', 'third_party_sdk', 'chinese_resolver', 'chinese_network', 'other'];

export const CATEGORY_LABEL: Record<DestinationCategory, string> = {
  dji_first_party: 'DJI first party',
  third_party_sdk: 'third-party SDK',
  chinese_resolver: 'Chinese resolver',
  chinese_network: 'Chinese network / cloud',
  other: 'other',
};

/** Alert categories that are not about China or DJI (local data mode, visibility, policy) leave a destination "other". */
export function destinationCategoryOf(alertCategory: string | undefined | null): DestinationCategory {
  return (alertCategory && FROM_ALERT_CATEGORY[alertCategory]) || 'other';
}

export function concernRank(c: DestinationCategory): number {
  return CONCERN_ORDER.indexOf(c);
}

/** The more concerning of two categories. */
export function moreConcerning(a: DestinationCategory, b: DestinationCategory): DestinationCategory {
  return concernRank(a) <= concernRank(b) ? a : b;
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export function worseSeverity(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}
