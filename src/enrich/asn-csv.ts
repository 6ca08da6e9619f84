/**
 * Rows of @ip-location-db/asn CSVs: `start,end,asn,organization` (inclusive ranges;
 * the organization is RFC 4180-quoted when it holds commas or quotes).
 */
export interface AsnCsvRow {
  start: string;
  end: string;
  asn: number;
  org: string;
}

/** Parses one line; undefined for a blank or malformed line. */
export function parseAsnCsvLine(line: string): AsnCsvRow | undefined {
  const c1 = line.indexOf(',');
  const c2 = line.indexOf(',', c1 + 1);
  const c3 = line.indexOf(',', c2 + 1);
  if (c1 <= 0 || c2 < 0 || c3 < 0) return undefined;
  const asn = Number(line.slice(c2 + 1, c3));
  if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) return undefined;
  return { start: line.slice(0, c1), end: line.slice(c1 + 1, c2), asn, org: unquote(line.slice(c3 + 1).replace(/\r$/, '')) };
}

function unquote(field: string): string {
  if (field.length >= 2 && field.startsWith('"') && field.endsWith('"')) {
    return field.slice(1, -1).replace(/""/g, '"');
  }
  return field;
}

/** All parsable rows of a CSV text, in file order, plus how many lines were rejected. */
export function parseAsnCsv(text: string): { rows: AsnCsvRow[]; rejected: number } {
  const rows: AsnCsvRow[] = [];
  let rejected = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const row = parseAsnCsvLine(line);
    if (row) rows.push(row);
    else rejected++;
  }
  return { rows, rejected };
}
