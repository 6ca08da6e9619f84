/** Public surface of the rules stage. */
export { loadRules, defaultRulePaths, rulesDir, type LoadOptions } from './load.js';
export { RuleEngine, applyAllows, allowCovers } from './engine.js';
export type { CompiledRule, DnsQueryFacts, FlowFacts, MatchResult, RuleHit, RuleSet, RuleAction } from './types.js';
export { flowFactsFromSnapshot } from './facts.js';
