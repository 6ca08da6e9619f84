import { join } from 'node:path';
import { cachedValue } from '../data-cache.js';
import { GroundwatchError } from '../errors.js';
import type { OperatorsFileData } from './operators-schema.js';
import { MAX_YAML_ALIAS_COUNT, readTextFileWithin } from '../util/yaml-input.js';
import { repoRoot } from './paths.js';

export interface OperatorInfo {
  name: string;
  country: string;
  confidence: 'H' | 'M' | 'L';
  source: string;
}

/** ASN -> operator, from rules/operators.yaml (or another file in the same shape). */
export class OperatorTable {
  private constructor(private readonly byAsn: ReadonlyMap<number, OperatorInfo>, readonly path: string) {}

  static defaultPath(): string {
    return join(repoRoot(), 'rules', 'operators.yaml');
  }

  /** Throws GroundwatchError RULES_INVALID (one line, with the failing path) on a bad file. */
  static async load(path = OperatorTable.defaultPath()): Promise<OperatorTable> {
    let text: string;
    try {
      text = readTextFileWithin(path);
    } catch (err) {
      throw new GroundwatchError('RULES_INVALID', `cannot read operators file ${path}: ${(err as Error).message}`);
    }
    return OperatorTable.fromData(cachedValue<OperatorsFileData>('operators', path, text) ?? (await parseOperators(text, path)), path);
  }

  static async fromText(text: string, path = '<inline>'): Promise<OperatorTable> {
    return OperatorTable.fromData(await parseOperators(text, path), path);
  }

  private static fromData(data: OperatorsFileData, path: string): OperatorTable {
    const byAsn = new Map<number, OperatorInfo>();
    for (const op of data.operators) {
      for (const a of op.asns) {
        byAsn.set(a.asn, { name: op.name, country: op.country, confidence: a.confidence ?? op.confidence, source: a.source });
      }
    }
    return new OperatorTable(byAsn, path);
  }

  get(asn: number | undefined): OperatorInfo | undefined {
    return asn === undefined ? undefined : this.byAsn.get(asn);
  }

  get size(): number {
    return this.byAsn.size;
  }
}

/** YAML text -> validated operators data (the YAML parser and schema are loaded only here). */
export async function parseOperators(text: string, path: string): Promise<OperatorsFileData> {
  const [{ parse: parseYaml }, { OperatorsFile }] = await Promise.all([import('yaml'), import('./operators-schema.js')]);
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (err) {
    throw new GroundwatchError('RULES_INVALID', `${path}: YAML error: ${(err as Error).message}`);
  }
  const parsed = OperatorsFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new GroundwatchError('RULES_INVALID', `${path}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
