/**
 * The one comparison form of a host name, for every stage that compares or
 * stores names (attribution, DNS, rules, store queries): lower case (names
 * are case-insensitive, RFC 4343) and no trailing dots (an absolute name's
 * final dot, RFC 1034 section 3.1; the root '.' becomes ''). Nothing else is
 * changed: the bytes seen on the wire are otherwise kept. Steps that belong
 * to one input (a Host header's port, a rule's IDNA form, a query's leading
 * '*.') are taken by its caller before or after this.
 */
export function foldHostName(name: string): string {
  const lower = name.toLowerCase();
  let end = lower.length;
  while (end > 0 && lower.charCodeAt(end - 1) === 0x2e) end--;
  return end === lower.length ? lower : lower.slice(0, end);
}
