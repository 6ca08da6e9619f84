/**
 * SIGHUP: load the rule files again and reopen GeoIP. A rule file that no
 * longer loads keeps the rules in force and costs one error line.
 */
import type { ReloadTarget } from '../engine/run-view.js';
import { isGroundwatchError } from '../errors.js';
import { RuleEngine } from '../rules/engine.js';
import { defaultRulePaths, loadRules } from '../rules/load.js';

export async function reloadSession(session: ReloadTarget, rulePaths: string[] | undefined, log: (line: string) => void): Promise<boolean> {
  const paths = rulePaths?.length ? rulePaths : defaultRulePaths();
  let ok = true;
  try {
    const rules = await loadRules(paths);
    session.judge.setEngine(new RuleEngine(rules));
    session.counters.inc('daemon.rules_reloaded');
    log(`groundwatch: rules reloaded: ${rules.rulesets.map((r) => `${r.name}@${r.version}`).join(', ')}`);
  } catch (err) {
    ok = false;
    session.counters.inc('daemon.rules_reload_failed');
    const line = isGroundwatchError(err) ? err.toLine() : `groundwatch: RULES_INVALID: ${err instanceof Error ? err.message : String(err)}`;
    log(`${line.replace(/[\r\n]+/g, ' ')} (keeping the previous rules)`);
  }
  const geo = await session.geo.reload();
  if (!geo.ok) {
    ok = false;
    log(`groundwatch: GEOIP_DB_UNREADABLE: ${geo.error ?? 'reload failed'} (keeping the previous databases)`);
  }
  return ok;
}
