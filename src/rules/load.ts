/**
 * Loads rule files (YAML) into a RuleSet. Every error is one line naming
 * `file:line:col: rule <id>: message` and thrown as RULES_INVALID.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { cachedValue } from '../data-cache.js';
import { GroundwatchError } from '../errors.js';
import { readTextFileWithin, yamlToJs, YamlLimitError } from '../util/yaml-input.js';
import { compileRule } from './compile.js';
import type { Position } from './positions.js';
import type { RuleFile, RulesetOptions } from './schema.js';
import type { CompiledRule, RuleSet } from './types.js';

export interface LoadOptions {
  /** Override ruleset options (e.g. from config or a CLI flag), applied to every loaded ruleset. */
  options?: Partial<RulesetOptions>;
}

/** <repo>/rules/{dji,china}.yaml; local-data-mode.yaml is opt-in. Works from src/rules and dist/rules. */
export function defaultRulePaths(): string[] {
  return ['dji.yaml', 'china.yaml'].map((f) => join(rulesDir(), f));
}

export function rulesDir(): string {
  return resolve(fileURLToPath(new URL('../../rules/', import.meta.url)));
}

export async function loadRules(paths: string[], opts: LoadOptions = {}): Promise<RuleSet> {
  const set: RuleSet = { rules: [], files: [], rulesets: [] };
  const seen = new Map<string, string>();
  for (const p of paths) {
    for (const { file, explicit } of await expand(p)) {
      const loaded = await loadFile(file, explicit);
      if (!loaded) continue;
      addFile(set, seen, loaded, opts);
    }
  }
  checkAllows(set);
  return set;
}

interface LoadedFile {
  file: string;
  data: RuleFile;
  /** Where each rule's `id:` is, for error messages. */
  idPositions: Position[];
}

/** What the build-time cache keeps of a rule file (src/data-cache.ts). */
export interface ParsedRuleFile {
  data: RuleFile;
  idPositions: Position[];
}

async function expand(p: string): Promise<{ file: string; explicit: boolean }[]> {
  const info = await stat(p).catch((err: NodeJS.ErrnoException) => fail(`${p}: cannot read (${err.code ?? err.message})`));
  if (!info.isDirectory()) return [{ file: p, explicit: true }];
  const names = (await readdir(p)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return names.map((n) => ({ file: join(p, n), explicit: false }));
}

async function loadFile(file: string, explicit: boolean): Promise<LoadedFile | undefined> {
  let text: string;
  try {
    text = readTextFileWithin(file);
  } catch (err) {
    if (err instanceof YamlLimitError) fail(`${file}: ${err.message}`);
    fail(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed = cachedValue<ParsedRuleFile>('rules', file, text) ?? (await parseRuleFile(file, text, explicit));
  return parsed && { file, ...parsed };
}

/** YAML text -> validated rule file; undefined for a YAML file that is not a rule file (in a directory). */
export async function parseRuleFile(file: string, text: string, explicit: boolean): Promise<ParsedRuleFile | undefined> {
  // Loaded only when needed: a start whose packs hit the build-time cache never loads them.
  const [{ LineCounter, parseDocument }, { positionOf }, { ruleFileSchema }] = await Promise.all([import('yaml'), import('./positions.js'), import('./schema.js')]);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const yamlErr = doc.errors[0];
  if (yamlErr) {
    const at = lc.linePos(yamlErr.pos[0]);
    fail(`${file}:${at.line}:${at.col}: ${yamlErr.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  let raw: unknown;
  try {
    raw = yamlToJs(doc);
  } catch (err) {
    if (err instanceof YamlLimitError) fail(`${file}:1:1: ${err.message}`);
    throw err;
  }
  const isRuleFile = typeof raw === 'object' && raw !== null && 'ruleset' in raw;
  if (!isRuleFile) {
    if (explicit) fail(`${file}:1:1: not a rule file (no top-level "ruleset:")`);
    return undefined;
  }
  const result = ruleFileSchema.safeParse(raw);
  if (!result.success) failIssue(file, doc, lc, raw, result.error.issues, positionOf);
  return { data: result.data, idPositions: result.data.rules.map((_, i) => positionOf(doc, lc, ['rules', i, 'id'])) };
}

function addFile(set: RuleSet, seen: Map<string, string>, f: LoadedFile, opts: LoadOptions): void {
  const options = { hong_kong_macao_as_china: false, ...f.data.options, ...opts.options };
  set.files.push(f.file);
  set.rulesets.push({ name: f.data.ruleset, version: f.data.version, file: f.file, description: f.data.description });
  f.data.rules.forEach((spec, i) => {
    const at = f.idPositions[i] ?? { line: 1, col: 1 };
    const where = seen.get(spec.id);
    if (where !== undefined) fail(`${f.file}:${at.line}:${at.col}: rule ${spec.id}: duplicate rule id (first defined at ${where})`);
    seen.set(spec.id, `${f.file}:${at.line}:${at.col}`);
    if (!spec.enabled) return;
    const compiled = compileRule(f.file, f.data, spec, set.rules.length, { hongKongMacaoAsChina: options.hong_kong_macao_as_china });
    set.rules.push(compiled);
  });
}

/** An allow rule naming an exact id that is not loaded is almost surely a typo: refuse it. */
function checkAllows(set: RuleSet): void {
  const ids = new Set(set.rules.map((r) => r.id));
  for (const r of set.rules) {
    for (const a of r.allows ?? []) {
      if (!a.endsWith('.*') && !ids.has(a)) fail(`${r.file}: rule ${r.id}: allows unknown rule id "${a}"`);
    }
  }
}

type Issue = z.core.$ZodIssue;

type PositionOf = typeof import('./positions.js').positionOf;

function failIssue(file: string, doc: Document, lc: LineCounter, raw: unknown, issues: Issue[], positionOf: PositionOf): never {
  const located = issues.map((iss) => ({ iss, at: issuePosition(doc, lc, iss, positionOf) }));
  located.sort((a, b) => a.at.line - b.at.line || a.at.col - b.at.col);
  const { iss, at } = located[0]!;
  const rule = ruleIdAt(raw, iss.path);
  const more = located.length > 1 ? ` (and ${located.length - 1} more)` : '';
  fail(`${file}:${at.line}:${at.col}: ${rule ? `rule ${rule}: ` : ''}${issueText(iss)}${more}`);
}

function issuePosition(doc: Document, lc: LineCounter, iss: Issue, positionOf: PositionOf): Position {
  if (iss.code === 'unrecognized_keys') return positionOf(doc, lc, iss.path, iss.keys[0]);
  return positionOf(doc, lc, iss.path);
}

function issueText(iss: Issue): string {
  const where = iss.path.length > 0 ? `${iss.path.join('.')}: ` : '';
  if (iss.code === 'unrecognized_keys') return `${where}unknown key "${iss.keys.join('", "')}"`;
  const hint = /received object/.test(iss.message) ? ' (quote values that end in ":" or contain ": ", e.g. IPv6 "2400:3200::")' : '';
  return `${where}${iss.message}${hint}`;
}

function ruleIdAt(raw: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'rules' || typeof path[1] !== 'number') return undefined;
  const rules = (raw as { rules?: unknown }).rules;
  const rule = Array.isArray(rules) ? (rules[path[1]] as { id?: unknown } | undefined) : undefined;
  return typeof rule?.id === 'string' ? rule.id : `#${path[1] + 1}`;
}

function fail(message: string): never {
  throw new GroundwatchError('RULES_INVALID', message);
}
