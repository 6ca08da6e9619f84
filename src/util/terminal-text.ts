/**
 * The one terminal neutraliser. Text printed for a person carries strings an
 * attacker chooses: names off the wire, file names, organisation names from
 * an MMDB, rule and config text, error messages that quote any of these. A
 * raw ESC, BEL or C1 control in them can retitle a window, recolour or
 * rewrite lines already shown (OSC 0, CSI), and bidi overrides can reorder
 * what is read. Both functions below turn every such character into a
 * visible escape (`\x1b`, `\u202e`).
 */

/**
 * C0/C1 controls and DEL (Cc), format characters incl. bidi overrides,
 * isolates, marks and zero-width characters (Cf), line/paragraph separators,
 * lone surrogates.
 */
const INVISIBLE = String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`;

/** One field: every hidden or active character, the line break and the backslash itself escaped, so an escape is never ambiguous. */
const FIELD_UNSAFE = new RegExp(`${INVISIBLE}|\\\\`, 'gu');

/** One printed line: the same characters except the backslash (fields in it are already escaped). */
const LINE_UNSAFE = new RegExp(INVISIBLE, 'gu');

/** Printed text of several lines: the same, and its own line breaks kept. */
const TEXT_UNSAFE = new RegExp(`(?!\\n)(?:${INVISIBLE})`, 'gu');

/** Makes one string safe to print on a terminal: every hidden or active character becomes a visible escape. */
export function sanitizeForTerminal(s: string): string {
  return s.replace(FIELD_UNSAFE, escapeChar);
}

/**
 * Makes one line about to be printed safe: a line break inside it (from a
 * file name, say) is escaped too, so it cannot forge a second line.
 */
export function neutralizeTerminalLine(line: string): string {
  return line.replace(LINE_UNSAFE, escapeChar);
}

/**
 * Makes text about to be printed safe, line breaks kept (so a value in it
 * must have been escaped with sanitizeForTerminal, or a line break in the
 * value would stand). Every write for a
 * person (stderr lines, summaries, tables) goes through this at the point of
 * printing; it is idempotent on text built from sanitizeForTerminal fields.
 */
export function neutralizeTerminalText(text: string): string {
  return text.replace(TEXT_UNSAFE, escapeChar);
}

function escapeChar(c: string): string {
  if (c === '\\') return '\\\\';
  const code = c.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}
