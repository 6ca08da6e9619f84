/** Maps a path inside a parsed YAML document to line:column, for error messages. */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/**
 * The node at `path`, or the nearest ancestor that exists (a scalar given
 * where a list is read as one item, so `[..., 0]` may not exist). With `key`,
 * the key token of that entry in the map at `path` (for unknown keys).
 */
export function positionOf(doc: Document, lc: LineCounter, path: readonly PropertyKey[], key?: string): Position {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(doc, path.slice(0, n));
    if (!node) continue;
    if (key !== undefined && n === path.length && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      const keyNode = pair && isNode(pair.key) ? pair.key : undefined;
      if (keyNode?.range) return toPos(lc, keyNode.range[0]);
    }
    if (node.range) return toPos(lc, node.range[0]);
  }
  return { line: 1, col: 1 };
}

function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = node.get(seg, true);
    else if (isSeq(node) && typeof seg === 'number') node = node.get(seg, true);
    else return undefined;
  }
  return isNode(node) ? node : undefined;
}

function toPos(lc: LineCounter, offset: number): Position {
  const p = lc.linePos(offset);
  return { line: p.line, col: p.col };
}
