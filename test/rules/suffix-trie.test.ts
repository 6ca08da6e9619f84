import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SuffixTrie } from '../../src/rules/suffix-trie.js';

const label = fc.constantFrom('a', 'b', 'com', 'dji', 'x-y');
const name = fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join('.'));

describe('SuffixTrie agrees with the definition of a suffix match', () => {
  it('property: lookup = { exact: n === e } ∪ { suffix: n === s or n ends with "." + s }', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.boolean()), { maxLength: 20 }), name, (entries, probe) => {
        const trie = new SuffixTrie<number>();
        entries.forEach(([n, exact], i) => trie.add(n, i, exact ? 'exact' : 'suffix'));
        const got: number[] = [];
        trie.lookup(probe, (v) => got.push(v));
        const want = entries
          .map(([n, exact], i) => ({ i, ok: exact ? probe === n : probe === n || probe.endsWith(`.${n}`) }))
          .filter((x) => x.ok)
          .map((x) => x.i);
        expect([...got].sort((a, b) => a - b)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
