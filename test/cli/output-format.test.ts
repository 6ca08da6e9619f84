import { describe, expect, it } from 'vitest';
import { formatRows, sanitizeForTerminal } from '../../src/cli/output-format.js';

const ESC = '\u001b';
const HOSTILE = {
  ansi: `${ESC}[31mred${ESC}[0m`,
  rlo: 'evil\u202emoc.jpg',
  bell: 'ding\u0007',
  formula: '=HYPERLINK("http://evil","click")',
  plus: '+1',
  at: '@SUM(A1:A9)',
};

/** Any character a terminal would act on or hide (C0, DEL, C1, bidi controls, zero-width). */
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

describe('sanitizeForTerminal', () => {
  it('makes escape sequences, C1 controls, bidi and invisible characters visible', () => {
    expect(sanitizeForTerminal(HOSTILE.ansi)).toBe('\\x1b[31mred\\x1b[0m');
    expect(sanitizeForTerminal(HOSTILE.rlo)).toBe('evil\\u202emoc.jpg');
    expect(sanitizeForTerminal(HOSTILE.bell)).toBe('ding\\x07');
    expect(sanitizeForTerminal('csi\u009b2J')).toBe('csi\\x9b2J');
    expect(sanitizeForTerminal('a\u2066b\u2069c\u200ed\u200ff\u061cg')).toBe('a\\u2066b\\u2069c\\u200ed\\u200ff\\u061cg');
    expect(sanitizeForTerminal('tab\there\r\nnext\u007f')).toBe('tab\\x09here\\x0d\\x0anext\\x7f');
    expect(sanitizeForTerminal('zero\u200bwidth\ufeff')).toBe('zero\\u200bwidth\\ufeff');
    expect(sanitizeForTerminal('lone\ud800')).toBe('lone\\ud800');
  });
  it('escapes the backslash so an escape in the output is never ambiguous', () => {
    expect(sanitizeForTerminal('\\x1b')).toBe('\\\\x1b');
    expect(sanitizeForTerminal('\\x1b')).not.toBe(sanitizeForTerminal(ESC));
  });
  it('leaves ordinary text, IDNs and emoji alone', () => {
    for (const ok of ['mydjiflight.dji.com', 'bücher.de', '大疆.中国', '🛸 drone', 'العربية']) {
      expect(sanitizeForTerminal(ok)).toBe(ok);
    }
  });
});

describe('formatRows table', () => {
  it('aligns columns and neutralises every hostile string', () => {
    const rows = Object.entries(HOSTILE).map(([k, v], i) => ({ kind: k, name: v, port: 443 + i }));
    const out = formatRows(rows, ['kind', 'name', 'port'], 'table');
    expect(out.replace(/\n/g, '')).not.toMatch(ACTIVE);
    const lines = out.split('\n').slice(0, -1);
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines[1]).toContain('\\x1b[31mred\\x1b[0m');
    expect(lines[2]).toContain('evil\\u202emoc.jpg');
    // numbers right-aligned: every line ends at the same column
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    const nameStart = lines[0]!.indexOf('name');
    expect(lines.every((l) => l.slice(nameStart - 2, nameStart) === '  ')).toBe(true);
  });
  it('cuts over-long cells with an ellipsis', () => {
    const out = formatRows([{ d: 'a'.repeat(100) }], [{ key: 'd', maxWidth: 10 }], 'table');
    expect(out.split('\n')[1]).toBe(`${'a'.repeat(9)}…`);
  });
  it('shows missing values as -', () => {
    expect(formatRows([{ a: null }], ['a'], 'table')).toBe('a\n-\n');
  });
});

describe('formatRows csv', () => {
  it('follows RFC 4180: CRLF, quotes around , " CR LF, doubled inner quotes', () => {
    const out = formatRows([{ a: 'x,y', b: 'say "hi"', c: 'plain' }], ['a', 'b', 'c'], 'csv');
    expect(out).toBe('a,b,c\r\n"x,y","say ""hi""",plain\r\n');
  });
  it('defuses formulas (OWASP): = + - @ TAB CR get a leading quote', () => {
    const rows = [{ v: HOSTILE.formula }, { v: HOSTILE.plus }, { v: HOSTILE.at }, { v: '-2+3' }, { v: '\t=1' }, { v: '\r=1' }];
    const out = formatRows(rows, ['v'], 'csv').split('\r\n').slice(1, -1);
    expect(out).toEqual([
      `"'=HYPERLINK(""http://evil"",""click"")"`,
      "'+1",
      "'@SUM(A1:A9)",
      "'-2+3",
      "'\\x09=1",
      "'\\x0d=1",
    ]);
  });
  it('does not mangle numbers stored as numbers, negative ones included', () => {
    expect(formatRows([{ n: -5, m: 0, f: -1.5 }], ['n', 'm', 'f'], 'csv')).toBe('n,m,f\r\n-5,0,-1.5\r\n');
  });
  it('also neutralises control and bidi characters', () => {
    const out = formatRows([{ v: HOSTILE.ansi }, { v: HOSTILE.rlo }, { v: HOSTILE.bell }], ['v'], 'csv');
    expect(out).not.toMatch(/[\u001b\u202e\u0007]/);
    expect(out).toContain('\\x1b[31m');
  });
});

describe('formatRows ndjson', () => {
  it('keeps exact strings: each line parses back to the row', () => {
    const rows = [HOSTILE, { n: -1, nested: { s: 'lone\ud800' } }];
    const out = formatRows(rows, [], 'ndjson');
    expect(out.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(rows);
  });
});
