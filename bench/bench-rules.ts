/**
 * Synthetic rule sets for the benchmark and for the test that cost per match
 * stays flat as the number of rules grows. Rules cycle through domain suffix,
 * CIDR and ASN anchors, each with a second (port) predicate, on disjoint values.
 */
import { compileRule } from '../src/rules/compile.js';
import { ruleFileSchema } from '../src/rules/schema.js';
import type { FlowFacts, RuleSet } from '../src/rules/types.js';

const KINDS = 3;

export function generateSyntheticRules(n: number): RuleSet {
  const rules = Array.from({ length: n }, (_, i) => syntheticRule(i));
  const data = ruleFileSchema.parse({ ruleset: 'synthetic', version: '1', description: 'bench', rules });
  return {
    rules: data.rules.map((spec, i) => compileRule('<synthetic>', data, spec, i, { hongKongMacaoAsChina: false })),
    files: ['<synthetic>'],
    rulesets: [{ name: 'synthetic', version: '1', file: '<synthetic>', description: 'bench' }],
  };
}

function syntheticRule(i: number): Record<string, unknown> {
  const kind = i % KINDS;
  const match =
    kind === 0
      ? { domain_suffix: [`svc${i}.example${i}.test`], port: [443] }
      : kind === 1
        ? { cidr: [`${v4Block(i)}/24`], port: [443] }
        : { asn: [100000 + i], port: [443] };
  return {
    id: `synthetic.r${i}`, version: 1, name: `synthetic ${i}`, purpose: 'bench', source: 'generated',
    confidence: 'L', action: 'alert', severity: 'low', category: 'policy', match,
  };
}

/** A /24 for rule i inside 10.0.0.0/8 (distinct for i < 65536). */
function v4Block(i: number): string {
  return `10.${(i >> 8) & 255}.${i & 255}.0`;
}

/** Facts that hit exactly rule i of generateSyntheticRules (plus nothing else). */
export function syntheticFlowFacts(i: number): FlowFacts {
  const kind = i % KINDS;
  const ip = kind === 1 ? v4Block(i).replace(/0$/, '7') : '192.0.2.7';
  return {
    device: { ip: '192.168.1.10' },
    destination: {
      ip,
      port: 443,
      transport: 'tcp',
      domain: kind === 0 ? `api.svc${i}.example${i}.test` : undefined,
      nameSource: kind === 0 ? 'tls_sni' : undefined,
      names: [],
    },
    geo: kind === 2 ? { asn: 100000 + i, countryIso: 'DE' } : { countryIso: 'DE' },
  };
}
