import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GroundwatchError } from '../errors.js';
import { repoRoot } from './paths.js';

const Confidence = z.enum(['H', 'M', 'L']);

const AsnEntry = z.strictObject({
  asn: z.number().int().min(1).max(4_294_967_295),
  registered_name: z.string().min(1),
  source: z.string().min(1),
  confidence: Confidence.optional(),
  note: z.string().optional(),
});

const Operator = z.strictObject({
  name: z.string().min(1),
  /** ISO 3166-1 alpha-2, upper case; HK and MO are their own codes. */
  country: z.string().regex(/^[A-Z]{2}$/),
  confidence: Confidence,
  asns: z.array(AsnEntry).min(1),
});

export const OperatorsFile = z
  .strictObject({ version: z.literal(1), operators: z.array(Operator) })
  .superRefine((file, ctx) => {
    const seen = new Map<number, string>();
    for (const op of file.operators) {
      for (const a of op.asns) {
        const prev = seen.get(a.asn);
        if (prev !== undefined) ctx.addIssue({ code: 'custom', message: `AS${a.asn} listed under both ${prev} and ${op.name}` });
        seen.set(a.asn, op.name);
      }
    }
  });

export type OperatorsFileData = z.infer<typeof OperatorsFile>;

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
  static load(path = OperatorTable.defaultPath()): OperatorTable {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new GroundwatchError('RULES_INVALID', `cannot read operators file ${path}: ${(err as Error).message}`);
    }
    return OperatorTable.fromText(text, path);
  }

  static fromText(text: string, path = '<inline>'): OperatorTable {
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (err) {
      throw new GroundwatchError('RULES_INVALID', `${path}: YAML error: ${(err as Error).message}`);
    }
    const parsed = OperatorsFile.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') ?? '';
      throw new GroundwatchError('RULES_INVALID', `${path}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`);
    }
    const byAsn = new Map<number, OperatorInfo>();
    for (const op of parsed.data.operators) {
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
