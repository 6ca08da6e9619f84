/**
 * Fitting text for a person into a width, in code points (text here is
 * neutralised already: no zero-width or control characters to miscount).
 */

/** The text, or its first width-1 code points and an ellipsis. */
export function cutToWidth(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, Math.max(1, width - 1)).join('')}…` : text;
}

/** Word wrap to lines of at most `width`; a word longer than a line (a path, a hash) is split. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = [...word];
    if (line !== '' && [...line].length + 1 + rest.length > width) {
      lines.push(line);
      line = '';
    }
    while (line === '' && rest.length > width) {
      lines.push(rest.slice(0, width).join(''));
      rest = rest.slice(width);
    }
    line = line === '' ? rest.join('') : `${line} ${rest.join('')}`;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
