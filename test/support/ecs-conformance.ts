/**
 * Checks a record against the Elastic Common Schema's own field definitions (the
 * `@elastic/ecs` package's EcsFlat, generated from ECS's ecs_flat.yml): every field
 * outside `groundwatch.*` must be an ECS field of a compatible type, match the field's
 * pattern, use its allowed values (and, for event.type, the values its event.category
 * expects), be an array exactly where ECS normalises to one; ECS's required fields must be
 * present; names under `groundwatch.*` are snake_case, as ECS's own names are.
 */
import { isIP } from 'node:net';
import { EcsFlat, EcsVersion } from '@elastic/ecs';

export { EcsVersion };

interface AllowedValue {
  name: string;
  expected_event_types?: string[];
}

interface FieldDefinition {
  flat_name: string;
  type: string;
  required?: boolean;
  pattern?: string;
  normalize?: string[];
  allowed_values?: AllowedValue[];
}

const FIELDS = EcsFlat as unknown as Record<string, FieldDefinition>;

/** Types whose value is itself a tree ECS does not describe further. */
const OPAQUE_TYPES = new Set(['flattened']);
/** Types whose sub-fields ECS defines one by one (dns.answers.data, ...). */
const CONTAINER_TYPES = new Set(['object', 'nested']);

/** RFC 3339 / ISO 8601 date-time, as Elasticsearch's strict_date_optional_time reads it (up to nanoseconds). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const PROJECT_PREFIX = 'groundwatch';
const SNAKE_CASE = /^[a-z0-9]+(_[a-z0-9]+)*$/;

export function ecsRequiredFields(): string[] {
  return Object.values(FIELDS).filter((f) => f.required).map((f) => f.flat_name);
}

/** Every way `record` breaks ECS, one line each (empty when it conforms). */
export function ecsViolations(record: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const name of ecsRequiredFields()) {
    if (valueAt(record, name) === undefined) problems.push(`${name}: required by ECS, missing`);
  }
  walk(record, '', problems);
  problems.push(...categorisationProblems(record));
  return problems;
}

function walk(value: unknown, path: string, problems: string[]): void {
  if (path === PROJECT_PREFIX || path.startsWith(`${PROJECT_PREFIX}.`)) {
    projectNames(value, path, problems);
    return;
  }
  const def = path === '' ? undefined : FIELDS[path];
  if (def && OPAQUE_TYPES.has(def.type)) return;
  if (def && !CONTAINER_TYPES.has(def.type)) {
    checkLeaf(def, value, problems);
    return;
  }
  if (def && isArrayField(def) && !Array.isArray(value)) problems.push(`${path}: ECS normalises it to an array, got ${describe(value)}`);
  const objects = Array.isArray(value) ? value : [value];
  for (const item of objects) {
    if (!isPlainObject(item)) {
      problems.push(`${path || '(record)'}: ${def ? `ECS type ${def.type} holds objects` : 'not an ECS field'}, got ${describe(item)}`);
      continue;
    }
    for (const [key, child] of Object.entries(item)) walk(child, path === '' ? key : `${path}.${key}`, problems);
  }
}

function checkLeaf(def: FieldDefinition, value: unknown, problems: string[]): void {
  const name = def.flat_name;
  if (Array.isArray(value) !== isArrayField(def)) {
    problems.push(`${name}: ECS ${isArrayField(def) ? 'normalises it to an array' : 'holds one value'}, got ${describe(value)}`);
  }
  const values = Array.isArray(value) ? value : [value];
  const allowed = def.allowed_values?.map((v) => v.name);
  for (const v of values) {
    const typeProblem = typeMismatch(def.type, v);
    if (typeProblem) problems.push(`${name}: ECS type ${def.type}, got ${describe(v)} (${typeProblem})`);
    if (def.pattern !== undefined && !(typeof v === 'string' && new RegExp(def.pattern).test(v))) {
      problems.push(`${name}: ${describe(v)} does not match ECS pattern ${def.pattern}`);
    }
    if (allowed && !allowed.includes(String(v))) problems.push(`${name}: ${describe(v)} is not one of ECS's allowed values (${allowed.join(', ')})`);
  }
}

function typeMismatch(type: string, v: unknown): string | undefined {
  switch (type) {
    case 'keyword':
    case 'constant_keyword':
    case 'wildcard':
    case 'match_only_text':
      return typeof v === 'string' ? undefined : 'not a string';
    case 'long':
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v) ? undefined : 'not an integer';
    case 'float':
    case 'double':
    case 'scaled_float':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : 'not a number';
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'not a boolean';
    case 'ip':
      return typeof v === 'string' && isIP(v) !== 0 ? undefined : 'not an IP address';
    case 'date':
      return typeof v === 'string' && ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'not an ISO 8601 date-time';
    default:
      return `no check written for ECS type ${type}`;
  }
}

/**
 * event.type values must be among those ECS expects for each event.category given
 * (allowed_values[].expected_event_types of event.category).
 */
function categorisationProblems(record: Record<string, unknown>): string[] {
  const categories = valueAt(record, 'event.category');
  const types = valueAt(record, 'event.type');
  if (!Array.isArray(categories) || !Array.isArray(types)) return [];
  const problems: string[] = [];
  const byName = new Map((FIELDS['event.category']?.allowed_values ?? []).map((v) => [v.name, v.expected_event_types ?? []]));
  for (const category of categories) {
    const expected = byName.get(String(category));
    if (!expected) continue; // reported as a disallowed event.category value already
    for (const t of types) {
      if (!expected.includes(String(t))) problems.push(`event.type: ${describe(t)} is not one ECS expects with event.category ${category} (${expected.join(', ')})`);
    }
  }
  return problems;
}

/** Names under groundwatch.* follow ECS's convention: lower-case snake_case, every segment. */
function projectNames(value: unknown, path: string, problems: string[]): void {
  for (const segment of path.split('.')) {
    if (!SNAKE_CASE.test(segment)) {
      problems.push(`${path}: segment ${JSON.stringify(segment)} is not snake_case`);
      return;
    }
  }
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (isPlainObject(item)) for (const [key, child] of Object.entries(item)) projectNames(child, `${path}.${key}`, problems);
  }
}

function isArrayField(def: FieldDefinition): boolean {
  return def.normalize?.includes('array') ?? false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(record: Record<string, unknown>, flatName: string): unknown {
  if (flatName in record) return record[flatName];
  let node: unknown = record;
  for (const key of flatName.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
