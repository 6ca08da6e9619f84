/** MAC addresses as users write them (rules, --device): six hex pairs, one separator (':' or '-') throughout. */

const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

export function isMac(text: string): boolean {
  return MAC_RE.test(text.trim());
}

/** Lower case, colon-separated: the form the decoder writes (formatMac below). */
export function normalizeMac(mac: string): string {
  return mac.trim().toLowerCase().replace(/-/g, ':');
}

/** Six bytes at `off` as lower-case colon-separated hex, the decoder's form. */
export function formatMac(b: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[off + i]!;
    s += (v < 16 ? '0' : '') + v.toString(16);
    if (i < 5) s += ':';
  }
  return s;
}
