/**
 * The rule file format (documented in rules/README.md), validated with zod.
 * Every value check lives here so each error carries the path of the
 * offending YAML node, which the loader turns into file:line:col.
 */
import { z } from 'zod';
import { parseCidr } from '../address/cidr.js';
import { isMac } from '../address/mac.js';
import { normalizeName, parsePortSpec } from './normalize.js';

/** A scalar or a non-empty list of them; a scalar is read as a one-item list. */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(item).min(1, 'list must not be empty'));
}

const HOST_RE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
const hostName = z
  .string()
  .transform((s) => normalizeName(s))
  .refine((s) => HOST_RE.test(s), 'not a valid domain name');
const countryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code')
  .transform((s) => s.toUpperCase());
const cidr = z.string().refine((s) => parseCidr(s) !== undefined, 'not a valid IP address or CIDR prefix');
const asn = z
  .union([z.number().int().min(0).max(4294967295), z.string().regex(/^AS\d{1,10}$/i, 'expected AS<number>')])
  .transform((v) => (typeof v === 'number' ? v : Number(v.slice(2))));
const port = z
  .union([z.number(), z.string()])
  .refine((v) => parsePortSpec(v) !== undefined, 'expected a port 0-65535 or a range "lo-hi"');
const device = z
  .string()
  .refine((s) => isMac(s) || parseCidr(s) !== undefined, 'expected an IP address, CIDR prefix or MAC address');

export const NAME_SOURCES = ['tls_sni', 'quic_sni', 'http_host', 'dns'] as const;
export const TRANSPORTS = ['tcp', 'udp', 'icmp', 'ipv6-icmp', 'other'] as const;
export const SPECIAL_RANGES = [
  'private', 'cgnat', 'loopback', 'link_local', 'ula', 'multicast', 'documentation', 'unspecified', 'broadcast', 'reserved',
] as const;
export const UNKNOWN_REASONS = ['encrypted_dns', 'tls_ech', 'tls_no_sni', 'quic_no_sni', 'no_handshake_seen', 'not_inspected'] as const;
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const CATEGORIES = [
  'cn_located', 'cn_operated', 'dji_endpoint', 'cn_resolver', 'cn_sdk', 'unnamed', 'local_data_mode', 'policy',
] as const;

export interface MatchSpec {
  domain?: string[] | undefined;
  domain_suffix?: string[] | undefined;
  name_source?: (typeof NAME_SOURCES)[number][] | undefined;
  cidr?: string[] | undefined;
  asn?: number[] | undefined;
  country?: string[] | undefined;
  registrant_country?: string[] | undefined;
  country_disputed?: string[] | undefined;
  operator_country?: string[] | undefined;
  special?: (typeof SPECIAL_RANGES)[number][] | undefined;
  transport?: (typeof TRANSPORTS)[number][] | undefined;
  port?: (number | string)[] | undefined;
  device?: string[] | undefined;
  dns_query?: { name?: string[] | undefined; name_suffix?: string[] | undefined; type?: string[] | undefined } | undefined;
  name_unknown?: true | (typeof UNKNOWN_REASONS)[number][] | undefined;
  encrypted_dns?: true | ('dot' | 'doq' | 'doh')[] | undefined;
  any?: MatchSpec[] | undefined;
  not?: MatchSpec | undefined;
}

const trueOrList = <T extends z.ZodType>(item: T) => z.union([z.literal(true), z.array(item).min(1)]);

export const matchSchema: z.ZodType<MatchSpec> = z.lazy(() =>
  z
    .strictObject({
      domain: list(hostName).optional(),
      domain_suffix: list(hostName).optional(),
      name_source: list(z.enum(NAME_SOURCES)).optional(),
      cidr: list(cidr).optional(),
      asn: list(asn).optional(),
      country: list(countryCode).optional(),
      registrant_country: list(countryCode).optional(),
      country_disputed: list(countryCode).optional(),
      operator_country: list(countryCode).optional(),
      special: list(z.enum(SPECIAL_RANGES)).optional(),
      transport: list(z.enum(TRANSPORTS)).optional(),
      port: list(port).optional(),
      device: list(device).optional(),
      dns_query: z
        .strictObject({
          name: list(hostName).optional(),
          name_suffix: list(hostName).optional(),
          type: list(z.string().regex(/^[A-Za-z0-9]+$/, 'expected a DNS type name like A or AAAA')).optional(),
        })
        .optional(),
      name_unknown: trueOrList(z.enum(UNKNOWN_REASONS)).optional(),
      encrypted_dns: trueOrList(z.enum(['dot', 'doq', 'doh'])).optional(),
      any: z.array(matchSchema).min(1).optional(),
      not: matchSchema.optional(),
    })
    .refine((m) => Object.keys(m).length > 0, 'match must have at least one key'),
);

const ruleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'rule id must be lower-case letters, digits, ".", "_" or "-"'),
    version: z.number().int().min(1),
    name: z.string().min(1),
    purpose: z.string().min(1),
    source: z.string().min(1),
    confidence: z.enum(['H', 'M', 'L']),
    action: z.enum(['alert', 'allow']),
    severity: z.enum(SEVERITIES).optional(),
    category: z.enum(CATEGORIES).optional(),
    allows: list(z.string().regex(/^[a-z0-9][a-z0-9._-]*(\.\*)?$/, 'expected a rule id or "<prefix>.*"')).optional(),
    enabled: z.boolean().default(true),
    match: matchSchema,
  })
  .superRefine((r, ctx) => {
    const need = (key: 'severity' | 'category'): void => {
      if (r[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `an alert rule needs ${key}` });
    };
    if (r.action === 'alert') {
      need('severity');
      need('category');
      if (r.allows) ctx.addIssue({ code: 'custom', path: ['allows'], message: 'allows is only for allow rules' });
    } else if (r.severity !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['severity'], message: 'an allow rule has no severity' });
    }
    for (const issue of dnsQueryMisuse(r.match)) ctx.addIssue({ code: 'custom', path: ['match', ...issue.path], message: issue.message });
  });

/** Flow-name keys mean nothing for a DNS query, and dns_query must sit at the top of a match. */
const FLOW_ONLY_KEYS = ['domain', 'domain_suffix', 'name_source', 'name_unknown', 'encrypted_dns'] as const;

function dnsQueryMisuse(m: MatchSpec): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const nested = (sub: MatchSpec, path: (string | number)[]): void => {
    if (sub.dns_query) out.push({ path: [...path, 'dns_query'], message: 'dns_query is only allowed at the top of a match' });
    sub.any?.forEach((alt, i) => nested(alt, [...path, 'any', i]));
    if (sub.not) nested(sub.not, [...path, 'not']);
  };
  m.any?.forEach((alt, i) => nested(alt, ['any', i]));
  if (m.not) nested(m.not, ['not']);
  if (m.dns_query) {
    for (const k of FLOW_ONLY_KEYS) {
      if (m[k] !== undefined) out.push({ path: [k], message: `${k} does not apply to a dns_query rule (use dns_query.name / name_suffix)` });
    }
  }
  return out;
}

export const OPTIONS_DOC = {
  hong_kong_macao_as_china:
    'count HK and MO as CN in every country / registrant_country / country_disputed / operator_country list of this ruleset that names CN',
} as const;

export const ruleFileSchema = z
  .strictObject({
    ruleset: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ruleset must be lower-case letters, digits or "-"'),
    version: z.union([z.string().min(1), z.number()]).transform(String),
    description: z.string().min(1),
    options: z.strictObject({ hong_kong_macao_as_china: z.boolean().default(false) }).optional(),
    rules: z.array(ruleSchema),
  })
  .superRefine((f, ctx) => {
    f.rules.forEach((r, i) => {
      if (!r.id.startsWith(`${f.ruleset}.`)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule id must start with "${f.ruleset}."` });
      }
    });
  });

export type RuleFile = z.infer<typeof ruleFileSchema>;
export type RuleSpec = RuleFile['rules'][number];
export type RulesetOptions = NonNullable<RuleFile['options']>;
