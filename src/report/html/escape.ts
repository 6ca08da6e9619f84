/**
 * Every string that reaches the HTML goes through here. Names and hosts come from packets
 * and are hostile: markup characters are escaped, and characters that would reorder or hide
 * text (bidi overrides and isolates, other format and control characters) are replaced by a
 * visible, marked escape such as ⟦U+202E⟧, so `moc.ijd` cannot pose as `dji.com`.
 */

const MARKUP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * C0/C1 controls, bidi marks, embeddings, overrides and isolates (U+061C, U+200E-200F,
 * U+202A-202E, U+2066-2069), zero-width and other invisible format characters, line and
 * paragraph separators, BOM, and lone surrogates.
 */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes markup only: for text we wrote ourselves. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => MARKUP[c]!);
}

/** Escapes markup and replaces invisible or reordering characters by a visible marked escape. */
export function text(s: string | number | null | undefined): string {
  if (s === null || s === undefined) return '';
  const str = String(s);
  let out = '';
  let last = 0;
  for (const m of str.matchAll(INVISIBLE)) {
    out += escapeHtml(str.slice(last, m.index));
    const cp = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    out += `<span class="esc" title="invisible or reordering character removed">⟦U+${cp}⟧</span>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(str.slice(last));
}

/**
 * The same neutralisation as plain text, without markup: for attribute values and SVG
 * <text>/<title>, where an element cannot go.
 */
export function plain(s: string | number | null | undefined): string {
  if (s === null || s === undefined) return '';
  return escapeHtml(String(s).replace(INVISIBLE, (c) => `⟦U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟧`));
}

/**
 * A string from the wire (name, host, organisation): escaped, neutralised, and isolated
 * left-to-right, so even right-to-left letters it legitimately holds cannot reorder the
 * text around it.
 */
export function wire(s: string | null | undefined): string {
  if (s === null || s === undefined || s === '') return '';
  return `<bdi dir="ltr">${text(s)}</bdi>`;
}

/** Whether a string held anything text() had to neutralise (tests, and a warning mark in the inventory). */
export function hasInvisible(s: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(s);
  INVISIBLE.lastIndex = 0;
  return found;
}
