/**
 * The order String.prototype.localeCompare gives names such as counter names, without setting
 * up ICU's collator when it need not: its first use costs ~8 ms (the collation data), a
 * noticeable part of a tiny replay's start-up (issue 18), which sorts its counters at the end.
 *
 * For names made only of [a-z0-9._-] under an English default locale (English has no tailoring:
 * the root collation applies, and `LANG=C` resolves to en-US), every character has its own
 * primary weight and nothing is ignorable, so the collation is a plain character-by-character
 * comparison in ROOT_ORDER, shorter first on a tie. Any other name or locale is compared by
 * localeCompare itself, so the order is always exactly localeCompare's.
 */

/** The root collation's order of these characters: punctuation, then digits, then letters. */
const ROOT_ORDER = '_-.0123456789abcdefghijklmnopqrstuvwxyz';
const RANK = new Int8Array(128).fill(-1);
for (let i = 0; i < ROOT_ORDER.length; i++) RANK[ROOT_ORDER.charCodeAt(i)] = i;

let englishDefault: boolean | undefined;

/** PluralRules resolves the default locale without loading collation data (~0.5 ms). */
function defaultLocaleIsEnglish(): boolean {
  englishDefault ??= new Intl.PluralRules().resolvedOptions().locale.split('-')[0] === 'en';
  return englishDefault;
}

const rank = (code: number): number => (code < 128 ? RANK[code]! : -1);

/** -1, 0 or 1 as `a.localeCompare(b)` returns, for these names; undefined when a character is not one of ROOT_ORDER's. */
function rootCompare(a: string, b: string): number | undefined {
  let order = 0;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    // Past the end of the shorter name: it sorts first, but only if the longer one's rest qualifies.
    const x = i < a.length ? rank(a.charCodeAt(i)) : -2;
    const y = i < b.length ? rank(b.charCodeAt(i)) : -2;
    if (x === -1 || y === -1) return undefined;
    if (order === 0 && x !== y) order = x < y ? -1 : 1;
  }
  return order;
}

export function compareNames(a: string, b: string): number {
  return (defaultLocaleIsEnglish() ? rootCompare(a, b) : undefined) ?? a.localeCompare(b);
}
