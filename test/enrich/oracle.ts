/**
 * Test-side oracle for the ASN CSVs, written independently of src/: its own CSV split,
 * its own address arithmetic, and mmdblookup (libmaxminddb's CLI) as a second reader.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface OracleRow {
  start: bigint;
  end: bigint;
  asn: number;
  org: string;
}

export function parseRow(line: string, v6: boolean): OracleRow {
  const m = /^([^,]+),([^,]+),(\d+),(.*)$/.exec(line);
  if (!m) throw new Error(`bad csv line ${line}`);
  let org = m[4] as string;
  if (org.startsWith('"')) org = org.slice(1, -1).split('""').join('"');
  const conv = v6 ? v6ToBig : v4ToBig;
  return { start: conv(m[1] as string), end: conv(m[2] as string), asn: Number(m[3]), org };
}

export function v4ToBig(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => acc * 256n + BigInt(part), 0n);
}

export function v6ToBig(ip: string): bigint {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

export function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

export function bigToV6(n: bigint): string {
  const parts: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) parts.push(((n >> s) & 0xffffn).toString(16));
  return parts.join(':');
}

/** The row containing x in rows sorted by start and not overlapping, or undefined. */
export function findRow(rows: OracleRow[], x: bigint): OracleRow | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid] as OracleRow).start <= x) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const row = rows[best];
  return row && x <= row.end ? row : undefined;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBetween(r: () => number, lo: bigint, hi: bigint): bigint {
  const span = hi - lo + 1n;
  const rand = (BigInt(Math.floor(r() * 2 ** 32)) << 96n) | (BigInt(Math.floor(r() * 2 ** 32)) << 64n) |
    (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32));
  return lo + (rand % span);
}

/** ASN per address from mmdblookup, in one shell loop (one spawn per address inside bash). */
export function mmdblookupAsns(file: string, ips: string[]): Map<string, number | undefined> {
  const script = 'f="$1"; shift; for ip in "$@"; do echo "@@ $ip"; mmdblookup --file "$f" --ip "$ip" autonomous_system_number 2>&1; done; exit 0';
  const out = execFileSync('bash', ['-c', script, 'loop', file, ...ips], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const result = new Map<string, number | undefined>();
  for (const block of out.split('@@ ').slice(1)) {
    const [ip, ...rest] = block.split('\n');
    const body = rest.join('\n');
    const m = /(\d+) <uint32>/.exec(body);
    if (m) result.set(ip as string, Number(m[1]));
    else if (/Could not find an entry/.test(body)) result.set(ip as string, undefined);
    else throw new Error(`unexpected mmdblookup output for ${ip}: ${body}`);
  }
  return result;
}

export function mmdblookupVerbose(file: string, ip: string): string {
  // mmdblookup exits 1 when the address is not found; the metadata block is printed anyway.
  const r = spawnSync('mmdblookup', ['--verbose', '--file', file, '--ip', ip], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`;
}

/**
 * One string field of the record for an address, read by mmdblookup (libmaxminddb), not by us:
 * `path` as mmdblookup takes it (`country_code`, or `country iso_code`). undefined = not found.
 */
export function mmdblookupString(file: string, ip: string, path: string[]): string | undefined {
  const r = spawnSync('mmdblookup', ['--file', file, '--ip', ip, ...path], { encoding: 'utf8' });
  if (r.error) throw r.error;
  const out = `${r.stdout}${r.stderr}`;
  if (/Could not find an entry|The lookup path does not match/.test(out)) return undefined;
  // mmdblookup prints the string between quotes without escaping any inside it (PJSC "Vimpelcom").
  const m = /"(.*)" <utf8_string>/.exec(out);
  if (!m) throw new Error(`unexpected mmdblookup output for ${ip}: ${out}`);
  return m[1];
}
