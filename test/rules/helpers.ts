import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuleEngine } from '../../src/rules/engine.js';
import { loadRules } from '../../src/rules/load.js';
import type { FlowFacts } from '../../src/rules/types.js';

export interface TestRule {
  id: string;
  action?: 'alert' | 'allow';
  allows?: string[];
  match: Record<string, unknown>;
}

/** A one-file pack `t` from rule stubs (JSON is valid YAML), loaded through the real loader. */
export async function engineFor(rules: TestRule[], options?: Record<string, boolean>): Promise<RuleEngine> {
  const full = rules.map((r) => ({
    version: 1, name: r.id, purpose: 'test', source: 'test', confidence: 'H',
    ...(r.action === 'allow' ? { action: 'allow' } : { action: 'alert', severity: 'low', category: 'policy' }),
    ...r,
  }));
  const dir = await mkdtemp(join(tmpdir(), 'gw-match-'));
  const file = join(dir, 't.yaml');
  await writeFile(file, JSON.stringify({ ruleset: 't', version: '1', description: 'test', ...(options ? { options } : {}), rules: full }));
  return new RuleEngine(await loadRules([file]));
}

export function flow(over: { ip?: string; port?: number; transport?: FlowFacts['destination']['transport']; domain?: string } & Partial<FlowFacts> = {}): FlowFacts {
  const { ip, port, transport, domain, ...rest } = over;
  return {
    device: { ip: '192.168.1.10' },
    destination: {
      ip: ip ?? '192.0.2.1', port: port ?? 443, transport: transport ?? 'tcp', names: [],
      ...(domain ? { domain, nameSource: 'tls_sni' as const } : {}),
      ...rest.destination,
    },
    geo: {},
    ...(rest.device ? { device: rest.device } : {}),
    ...(rest.geo ? { geo: rest.geo } : {}),
  } as FlowFacts;
}

export function ids(engine: RuleEngine, f: FlowFacts): string[] {
  return engine.matchFlow(f).alerts.map((h) => h.rule.id);
}
