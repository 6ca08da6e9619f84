/** `groundwatch rules check|list|explain`: thin wrappers over the rules engine. */
import type { Command } from 'commander';
import { explainDestination } from '../alerts/explain.js';
import { GroundwatchError } from '../errors.js';
import { RuleEngine } from '../rules/engine.js';
import { defaultRulePaths, loadRules, rulesDir } from '../rules/load.js';
import type { CompiledRule, RuleSet } from '../rules/types.js';
import type { GeoLookup, Transport } from '../types.js';
import { neutralizeTerminalLine, sanitizeForTerminal as safe } from '../util/terminal-text.js';
import { wholeNumber } from './whole-number.js';
import { canonicalIp } from '../address/ip.js';
import { foldHostName } from '../util/host-name.js';

export interface RulesCommandDeps {
  openGeo: (dir?: string) => Promise<GeoLookup>;
  /** Where output goes (tests inject; default process.stdout). */
  write?: (text: string) => void;
}

export function registerRulesCommands(program: Command, deps: RulesCommandDeps): void {
  const write = deps.write ?? ((t: string) => void process.stdout.write(t));
  const rules = program.command('rules').description('check, list and explain detection rules');

  rules
    .command('check [paths...]')
    .description('validate rule files or directories (default: every pack in the shipped rules/ folder)')
    .action(async (paths: string[]) => {
      const set = await loadRules(paths.length > 0 ? paths : [rulesDir()]);
      const packs = set.rulesets.map((r) => `${r.name}@${r.version}`).join(', ');
      write(`${neutralizeTerminalLine(`OK: ${set.rulesets.length} rulesets, ${set.rules.length} enabled rules (${packs})`)}\n`);
    });

  rules
    .command('list')
    .description('list loaded rules')
    .option('--rules <paths...>', 'rule files or directories (default: dji + china packs)')
    .option('--format <format>', 'table or ndjson', 'table')
    .action(async (opts: { rules?: string[]; format: string }) => {
      if (opts.format !== 'table' && opts.format !== 'ndjson') usage(`--format must be table or ndjson, not "${opts.format}"`);
      const set = await load(opts.rules);
      write(opts.format === 'ndjson' ? set.rules.map((r) => JSON.stringify(ruleSummary(r))).join('\n') + '\n' : table(set));
    });

  rules
    .command('explain <ip-or-name>')
    .description('show what is known about a destination (an address, or a host name) and which rules fire, with every reason')
    .option('--host <name>', 'name of the destination (as if learned from TLS SNI)')
    .option('--port <n>', 'destination port', '443')
    .option('--transport <t>', 'tcp or udp', 'tcp')
    .option('--rules <paths...>', 'rule files or directories (default: dji + china packs)')
    .option('--geoip <dir>', 'GeoIP database directory')
    .action(async (target: string, opts: { host?: string; port: string; transport: string; rules?: string[]; geoip?: string }) => {
      const port = wholeNumber(opts.port);
      if (port === undefined || port > 65535) usage(`--port must be 0-65535, not "${opts.port}"`);
      if (opts.transport !== 'tcp' && opts.transport !== 'udp') usage(`--transport must be tcp or udp, not "${opts.transport}"`);
      // A host name instead of an address: explain the name's rules (the address stays unknown).
      const ip = canonicalIp(target);
      if (ip === undefined && opts.host !== undefined) usage(`give an address with --host, or a name alone (got "${target}" and --host "${opts.host}")`);
      const host = ip === undefined ? foldHostName(target) : opts.host;
      const engine = new RuleEngine(await load(opts.rules));
      const geo = ip === undefined ? {} : (await deps.openGeo(opts.geoip)).lookup(ip);
      const lines = explainDestination(engine, ip, host, geo, { port, transport: opts.transport as Transport });
      // One element, one line: an organisation name or --host with a line break in it stays on its line.
      write(lines.map(safe).join('\n') + '\n');
    });
}

function load(paths: string[] | undefined): Promise<RuleSet> {
  return loadRules(paths && paths.length > 0 ? paths : defaultRulePaths());
}

function usage(message: string): never {
  throw new GroundwatchError('USAGE', message);
}

function ruleSummary(r: CompiledRule): Record<string, unknown> {
  return {
    id: r.id, version: r.version, ruleset: r.ruleset, ruleset_version: r.rulesetVersion, action: r.action,
    severity: r.action === 'alert' ? r.severity : undefined, category: r.category, confidence: r.confidence,
    applies: r.applies, name: r.name, keys: r.predicates.map((p) => p.key), file: r.file,
  };
}

function table(set: RuleSet): string {
  const rows = set.rules.map((r) => [r.id, String(r.version), r.action, r.action === 'alert' ? r.severity : '-', r.category, r.confidence, r.name].map(safe));
  const head = ['ID', 'VER', 'ACTION', 'SEVERITY', 'CATEGORY', 'CONF', 'NAME'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const fmt = (row: string[]): string => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n') + '\n';
}
