/**
 * The error catalogue (src/errors.ts) is complete and documented: docs/errors.md lists
 * exactly its codes with the same exit status and meaning, and every code src/ raises,
 * prints or passes around is declared in it (GroundwatchError takes only declared codes,
 * but printed lines and codes carried in plain objects are strings the compiler cannot see).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES } from '../src/errors.js';
import { REPO_ROOT } from './support/cli.js';

const REGENERATE = 'regenerate with: npm run build && node scripts/write-errors-doc.mjs';

/** Upper-snake string literals in src/ that are not ours: environment variables and other libraries' codes. */
const FOREIGN_CODES: Record<string, string> = {
  GROUNDWATCH_DB: 'environment variable',
  GROUNDWATCH_GEOIP_MAX_AGE_DAYS: 'environment variable (the GeoIP age limit of monitor and replay)',
  NO_COLOR: 'environment variable (no-color.org)',
  STATE_DIRECTORY: 'environment variable (systemd)',
  SQLITE_CONSTRAINT: 'SQLite result code',
  SQLITE_MISMATCH: 'SQLite result code',
  SQLITE_TOOBIG: 'SQLite result code',
  SQLITE_BUSY: 'SQLite result code (another connection holds the lock: sinks/sqlite-store.ts isBusyError)',
  GROUNDWATCH_CONFIG: 'environment variable (review commands find the config file by it)',
  GROUNDWATCH_STORE_THREAD: 'environment variable (main: the store writes on the pipeline thread, for debugging)',
  SQLITE_READONLY: 'SQLite result code',
  SQLITE_READONLY_DIRECTORY: 'SQLite extended result code',
  SQLITE_READONLY_CANTINIT: 'SQLite extended result code',
  SQLITE_READONLY_RECOVERY: 'SQLite extended result code',
  SQLITE_PERM: 'SQLite result code',
  SQLITE_CANTOPEN: 'SQLite result code',
  Z_BUF_ERROR: 'zlib error code',
  PPP_HDLC: 'libpcap link-type name (src/decode/link-types.ts)',
  C_HDLC: 'libpcap link-type name',
  IEEE802_11: 'libpcap link-type name',
  IEEE802_11_PRISM: 'libpcap link-type name',
  IEEE802_11_RADIOTAP: 'libpcap link-type name',
  IEEE802_11_AVS: 'libpcap link-type name',
  IEEE802_15_4_WITHFCS: 'libpcap link-type name',
  BLUETOOTH_HCI_H4_WITH_PHDR: 'libpcap link-type name',
  USB_LINUX_MMAPPED: 'libpcap link-type name',
};

function docTable(): Map<string, { exitCode: number; meaning: string }> {
  const text = readFileSync(join(REPO_ROOT, 'docs/errors.md'), 'utf8');
  const rows = new Map<string, { exitCode: number; meaning: string }>();
  for (const m of text.matchAll(/^\| `([A-Z_]+)` \| (\d+) \| (.*) \|$/gm)) {
    expect(rows.has(m[1]!), `${m[1]} listed twice`).toBe(false);
    rows.set(m[1]!, { exitCode: Number(m[2]), meaning: m[3]! });
  }
  return rows;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Source text without comments (a comment may name a code without using it). */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** `code -> files` for every error code src/ uses, by the forms codes take there. */
function codesUsedInSrc(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const note = (c: string, file: string) => used.set(c, [...new Set([...(used.get(c) ?? []), file.slice(REPO_ROOT.length)])]);
  for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
    if (file.endsWith(join('src', 'errors.ts'))) continue;
    const text = code(file);
    // Any quoted UPPER_SNAKE literal ('CAPTURE_FAILED', `DB_OPEN_FAILED`), one-word codes in a
    // GroundwatchError call, and codes written into a printed line (`groundwatch: SINK_FAILED: ...`).
    for (const m of text.matchAll(/['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g)) note(m[1]!, file);
    for (const m of text.matchAll(/GroundwatchError\(\s*['"`]([A-Z][A-Z0-9_]*)['"`]/g)) note(m[1]!, file);
    for (const m of text.matchAll(/groundwatch: ([A-Z][A-Z0-9_]*):/g)) note(m[1]!, file);
  }
  for (const foreign of Object.keys(FOREIGN_CODES)) used.delete(foreign);
  return used;
}

describe('error catalogue', () => {
  it('docs/errors.md lists every catalogued code with its exit status and meaning, and nothing else', () => {
    const doc = docTable();
    const catalogue = new Map(Object.entries(ERROR_CATALOGUE).map(([c, d]) => [c, { exitCode: d.exitCode, meaning: d.meaning }]));
    const missingFromDoc = [...catalogue.keys()].filter((c) => !doc.has(c));
    const notInCatalogue = [...doc.keys()].filter((c) => !catalogue.has(c));
    expect(missingFromDoc, `codes missing from docs/errors.md; ${REGENERATE}`).toEqual([]);
    expect(notInCatalogue, `docs/errors.md lists codes src/errors.ts does not declare; ${REGENERATE}`).toEqual([]);
    for (const [c, def] of catalogue) expect(doc.get(c), `${c} in docs/errors.md; ${REGENERATE}`).toEqual(def);
  });

  it('every code used in src/ is declared, and every declared code is used', () => {
    const used = codesUsedInSrc();
    const undeclared = [...used].filter(([c]) => !(c in ERROR_CATALOGUE)).map(([c, files]) => `${c} (${files.join(', ')})`);
    expect(undeclared, 'codes used in src/ but not in src/errors.ts (or, if not an error code, add to FOREIGN_CODES)').toEqual([]);
    expect(Object.keys(ERROR_CATALOGUE).filter((c) => !used.has(c)), 'declared codes nothing in src/ uses').toEqual([]);
  });

  it('exit statuses keep 0, 1 and 70 free (ok, policy violation, internal error)', () => {
    for (const [c, status] of Object.entries(ERROR_CODES)) {
      expect([0, 1, 70], c).not.toContain(status);
      expect(status, c).toBe(ERROR_CATALOGUE[c as keyof typeof ERROR_CATALOGUE].exitCode);
    }
  });

  it('the source scan sees the forms codes take (hand-typed codes included)', () => {
    const used = codesUsedInSrc();
    // One of each form: a GroundwatchError call, a code in a plain object, a printed line.
    expect(used.get('USAGE')).toContain('src/cli/run.ts');
    expect(used.get('CAPTURE_FAILED')).toEqual(['src/daemon/capture-child.ts']);
    expect(used.get('SINK_FAILED')).toEqual(['src/engine/session.ts', 'src/sinks/drop-report.ts']);
  });
});
