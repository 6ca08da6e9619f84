/**
 * Binary prefix trie over address bits, one for IPv4 and one for IPv6. A
 * lookup walks at most 32 / 128 nodes and collects the values of every prefix
 * on the path, independent of how many prefixes are stored.
 */
import { bitAt, type ParsedCidr, type ParsedIp } from '../address/cidr.js';

interface BitNode<T> {
  zero?: BitNode<T>;
  one?: BitNode<T>;
  values?: T[];
}

export class CidrTrie<T> {
  private readonly v4: BitNode<T> = {};
  private readonly v6: BitNode<T> = {};

  add(cidr: ParsedCidr, value: T): void {
    let node = cidr.version === 4 ? this.v4 : this.v6;
    for (let i = 0; i < cidr.prefixLen; i++) {
      const key = bitAt(cidr.bytes, i) === 1 ? 'one' : 'zero';
      node = node[key] ??= {};
    }
    (node.values ??= []).push(value);
  }

  lookup(ip: ParsedIp, out: (value: T) => void): void {
    let node: BitNode<T> | undefined = ip.version === 4 ? this.v4 : this.v6;
    const bits = ip.version === 4 ? 32 : 128;
    for (let i = 0; node; i++) {
      if (node.values) for (const v of node.values) out(v);
      if (i === bits) return;
      node = bitAt(ip.bytes, i) === 1 ? node.one : node.zero;
    }
  }
}
