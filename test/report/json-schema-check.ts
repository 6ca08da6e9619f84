/**
 * A small JSON Schema (draft 2020-12) checker for the keywords docs/report.schema.json uses:
 * type, const, enum, properties, required, additionalProperties, propertyNames, items,
 * prefixItems, minItems, maxItems, minimum, maximum, anyOf. Written from the specification,
 * independent of zod, so the published schema is checked as a reader of it would check it.
 * Unknown keywords fail loudly rather than pass silently.
 */
type Schema = Record<string, unknown>;

const KNOWN = new Set(['$schema', 'title', 'description', 'type', 'const', 'enum', 'properties', 'required', 'additionalProperties',
  'propertyNames', 'items', 'prefixItems', 'minItems', 'maxItems', 'minimum', 'maximum', 'anyOf']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(want: string, got: string): boolean {
  return want === got || (want === 'number' && got === 'integer');
}

export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) errors.push(`${path}: schema keyword ${k} not understood by this checker`);
  const t = schema['type'];
  const got = typeOf(value);
  if (t !== undefined) {
    const wants = Array.isArray(t) ? (t as string[]) : [t as string];
    if (!wants.some((w) => typeMatches(w, got))) return [...errors, `${path}: expected ${wants.join('|')}, got ${got}`];
  }
  if ('const' in schema && value !== schema['const']) errors.push(`${path}: expected const ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof schema['minimum'] === 'number' && typeof value === 'number' && value < schema['minimum']) errors.push(`${path}: below minimum`);
  if (typeof schema['maximum'] === 'number' && typeof value === 'number' && value > schema['maximum']) errors.push(`${path}: above maximum`);
  if (Array.isArray(schema['anyOf'])) {
    const branches = (schema['anyOf'] as Schema[]).map((s) => validate(s, value, path));
    if (!branches.some((b) => b.length === 0)) errors.push(`${path}: matches no anyOf branch (${branches.map((b) => b[0]).join(' / ')})`);
  }
  if (got === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const r of (schema['required'] ?? []) as string[]) if (!(r in obj)) errors.push(`${path}: missing required ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema['propertyNames']) errors.push(...validate(schema['propertyNames'] as Schema, k, `${path}[key ${k}]`));
      if (k in props) errors.push(...validate(props[k]!, v, `${path}.${k}`));
      else if (schema['additionalProperties'] === false) errors.push(`${path}: unexpected property ${k}`);
      else if (typeof schema['additionalProperties'] === 'object') errors.push(...validate(schema['additionalProperties'] as Schema, v, `${path}.${k}`));
    }
  }
  if (got === 'array') {
    const arr = value as unknown[];
    if (typeof schema['minItems'] === 'number' && arr.length < schema['minItems']) errors.push(`${path}: fewer than minItems`);
    if (typeof schema['maxItems'] === 'number' && arr.length > schema['maxItems']) errors.push(`${path}: more than maxItems`);
    const prefix = (schema['prefixItems'] ?? []) as Schema[];
    arr.forEach((item, i) => {
      const s = i < prefix.length ? prefix[i] : (schema['items'] as Schema | false | undefined);
      if (s === false) errors.push(`${path}[${i}]: no item allowed here`);
      else if (s) errors.push(...validate(s, item, `${path}[${i}]`));
    });
  }
  return errors;
}
