/**
 * The one reading of a whole-number flag (--limit, --port, --snaplen,
 * --memory-budget, --max-age-days, ...): decimal digits only, blanks around
 * them ignored, at most 2^53 - 1. No sign, exponent, hex or empty string
 * (Number('') is 0, Number('1e3') is 1000: neither is what the user typed).
 * Each flag keeps its own range and message.
 */
export function wholeNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}
