/** The `rule` block of an alert record: which rule, of which pack and version, and why it exists. */
import type { AlertRecord } from '../records/ecs.js';
import type { CompiledRule } from '../rules/types.js';

export function ruleFields(rule: CompiledRule): AlertRecord['rule'] {
  return {
    id: rule.id,
    name: rule.name,
    ruleset: rule.ruleset,
    // Rule version and the version of the ruleset it shipped in: both are needed to reproduce an alert.
    version: `${rule.version}@${rule.rulesetVersion}`,
    description: rule.purpose,
    category: rule.category,
    reference: rule.source,
  };
}
