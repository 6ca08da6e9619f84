#!/usr/bin/env node
/**
 * The rule cidr predicate over the china pack's resolver list (its longest cidr list): the
 * predicate (trie) against the linear filter it replaced, interleaved, 1e6 random IPv4
 * destinations each. Run after `npm run build`: node bench/cidr-predicate.mjs
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseCidr, parseIp, cidrContains } from '../dist/address/cidr.js';
import { cidrPredicate } from '../dist/rules/predicates-net.js';

const yaml = readFileSync(new URL('../rules/china.yaml', import.meta.url), 'utf8');
const block = yaml.slice(yaml.indexOf('cidr: &cn_resolvers'));
const texts = [];
for (const line of block.split('\n').slice(1)) {
  const m = /^\s+- "?([0-9a-f:.]+(?:\/\d+)?)"?\s*$/i.exec(line);
  if (m) texts.push(m[1]);
  else if (!/^\s+#/.test(line)) break;
}
const cidrs = texts.map((t) => parseCidr(t));
const ips = Array.from({ length: 1_000_000 }, (_, i) => {
  const text = `${(i * 2654435761) >>> 24}.${(i * 40503) & 255}.${(i >>> 8) & 255}.${i & 255}`;
  return { peer: 'destination', ipText: text, ip: parseIp(text) };
});
const peerIp = (ctx) => `${ctx.peer}.ip ${ctx.ipText}`;
const linear = {
  test(ctx) {
    const hit = cidrs.filter((c) => cidrContains(c, ctx.ip));
    return hit.length > 0 ? hit.map((c) => `${peerIp(ctx)} is in ${c.text}`) : null;
  },
};
const trie = cidrPredicate(cidrs);
const times = { linear: [], trie: [] };
let sink = 0;
for (let round = 0; round < 5; round++) {
  for (const [name, pred] of [['linear', linear], ['trie', trie]]) {
    const t0 = process.hrtime.bigint();
    for (const ctx of ips) if (pred.test(ctx)) sink++;
    times[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[2];
console.log(`${cidrs.length} prefixes, 1e6 lookups x 5 rounds, load ${loadavg()[0].toFixed(2)}, hits ${sink}`);
console.log(`linear filter ${median(times.linear).toFixed(0)} ms, trie ${median(times.trie).toFixed(0)} ms, ratio ${(median(times.linear) / median(times.trie)).toFixed(2)}`);
