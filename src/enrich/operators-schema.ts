/** The shape of rules/operators.yaml (zod), loaded only when the build-time cache misses. */
import { z } from 'zod';

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
