import { describe, expect, it } from 'vitest';
import { generateSyntheticRules, syntheticFlowFacts } from '../../bench/bench-rules.js';
import { RuleEngine } from '../../src/rules/engine.js';

/** Predicate evaluations for matching facts that hit rules 0, 1, 2 (one of each anchor kind). */
function evaluationsPerMatch(n: number): { evals: number[]; hits: string[][] } {
  const engine = new RuleEngine(generateSyntheticRules(n));
  const evals: number[] = [];
  const hits: string[][] = [];
  for (const i of [0, 1, 2, n - 1]) {
    const before = engine.counter.evaluations;
    hits.push(engine.matchFlow(syntheticFlowFacts(i)).alerts.map((h) => h.rule.id));
    evals.push(engine.counter.evaluations - before);
  }
  return { evals, hits };
}

describe('cost per match is flat in the number of rules', () => {
  it('each synthetic flow hits exactly its own rule (so the count below measures real work)', () => {
    const { hits } = evaluationsPerMatch(300);
    expect(hits).toEqual([['synthetic.r0'], ['synthetic.r1'], ['synthetic.r2'], ['synthetic.r299']]);
  });

  it('predicate evaluations per match do not grow from 30 to 10,000 rules', () => {
    const small = evaluationsPerMatch(30);
    const large = evaluationsPerMatch(10_000);
    // Each hit evaluates its two predicates (anchor + port) and nothing else.
    expect(small.evals).toEqual([2, 2, 2, 2]);
    expect(large.evals).toEqual(small.evals);
  });

  it('a flow that matches nothing evaluates nothing', () => {
    const engine = new RuleEngine(generateSyntheticRules(3000));
    engine.matchFlow({ device: { ip: '192.168.1.10' }, destination: { ip: '198.51.100.1', port: 443, transport: 'tcp', domain: 'x.example', nameSource: 'tls_sni', names: [] }, geo: { asn: 1 } });
    expect(engine.counter.evaluations).toBe(0);
  });
});
