/** Bars for the byte charts: the largest keys, the rest folded into one "other" bar (a chart of 200 countries reads as none). */
export const BARS_SHOWN = 10;

export function bytesBy(totals: ReadonlyMap<string, number>, shown = BARS_SHOWN): { key: string; bytes: number }[] {
  const bars = [...totals].map(([key, bytes]) => ({ key, bytes })).sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1));
  if (bars.length <= shown) return bars;
  const rest = bars.slice(shown - 1).reduce((sum, b) => sum + b.bytes, 0);
  return [...bars.slice(0, shown - 1), { key: `other (${bars.length - shown + 1})`, bytes: rest }];
}
