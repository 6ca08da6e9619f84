/**
 * Label-keyed suffix trie: one hash map per label from the TLD down. Looking
 * up a name costs one map probe per label, whatever the number of rules.
 */
interface LabelNode<T> {
  children: Map<string, LabelNode<T>>;
  /** Values registered for this suffix and everything under it. */
  suffix: T[];
  /** Values registered for exactly this name. */
  exact: T[];
}

function newNode<T>(): LabelNode<T> {
  return { children: new Map(), suffix: [], exact: [] };
}

export class SuffixTrie<T> {
  private readonly root: LabelNode<T> = newNode();

  /** `name` must already be normalised (normalizeName). */
  add(name: string, value: T, mode: 'exact' | 'suffix'): void {
    let node = this.root;
    for (const label of name.split('.').reverse()) {
      let next = node.children.get(label);
      if (!next) {
        next = newNode();
        node.children.set(label, next);
      }
      node = next;
    }
    (mode === 'exact' ? node.exact : node.suffix).push(value);
  }

  /** Every value whose suffix covers `name` or whose exact name is `name`. */
  lookup(name: string, out: (value: T) => void): void {
    const labels = name.split('.');
    let node: LabelNode<T> | undefined = this.root;
    for (let i = labels.length - 1; i >= 0 && node; i--) {
      node = node.children.get(labels[i] ?? '');
      if (!node) return;
      for (const v of node.suffix) out(v);
      if (i === 0) for (const v of node.exact) out(v);
    }
  }
}
