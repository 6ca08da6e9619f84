/**
 * `--deliver URL` and config `deliver:` entries to a typed Destination.
 *
 * URL forms: syslog+tls://host:port, syslog+tcp://host:port, relp://host:port,
 * relp+tls://host:port, https://... and http://... (webhook). Settings come as
 * query parameters or option keys of the same names (a config entry); giving
 * one both ways with different values is an error. A webhook's own query
 * parameters (the receiver's) are kept; groundwatch's are removed before POST.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { GroundwatchError } from '../errors.js';
import { SEVERITY_ORDER, type Severity } from '../types.js';
import type { Destination, SyslogFormat, TlsFiles } from './destination.js';
import { readWebhookSecret } from './webhook-secret.js';

/** Option keys as written in a config `deliver:` entry (the same names as the query parameters). */
export interface DestinationOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  min_severity?: string;
  timeout_ms?: string | number;
  /** syslog and RELP */
  enterprise_number?: string | number;
  facility?: string | number;
  hostname?: string;
  /** syslog+tcp / syslog+tls */
  accept_grace_ms?: string | number;
  settle_ms?: string | number;
  /** RELP */
  window?: string | number;
  /** webhook */
  secret_file?: string;
  secret_env?: string;
}

export interface ParseContext {
  /** Where secret_env is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
}

type OptionKey = keyof DestinationOptions;

const COMMON_KEYS: readonly OptionKey[] = ['ca', 'cert', 'key', 'servername', 'min_severity', 'timeout_ms'];
const SYSLOG_FORMAT_KEYS: readonly OptionKey[] = ['enterprise_number', 'facility', 'hostname'];
const KEYS_BY_KIND = {
  syslog: [...COMMON_KEYS, ...SYSLOG_FORMAT_KEYS, 'accept_grace_ms', 'settle_ms'],
  relp: [...COMMON_KEYS, ...SYSLOG_FORMAT_KEYS, 'window'],
  webhook: [...COMMON_KEYS, 'secret_file', 'secret_env'],
} as const satisfies Record<Destination['kind'], readonly OptionKey[]>;

/** Every option key some destination accepts (for a config schema of `deliver:` entries). */
export const DESTINATION_OPTION_KEYS: readonly OptionKey[] = [...new Set(Object.values(KEYS_BY_KIND).flat())];

const SCHEMES: Record<string, { kind: Destination['kind']; tls: boolean }> = {
  'syslog+tls:': { kind: 'syslog', tls: true },
  'syslog+tcp:': { kind: 'syslog', tls: false },
  'relp:': { kind: 'relp', tls: false },
  'relp+tls:': { kind: 'relp', tls: true },
  'https:': { kind: 'webhook', tls: true },
  'http:': { kind: 'webhook', tls: false },
};

const TLS_SCHEME: Record<string, string> = { 'syslog+tcp:': 'syslog+tls', 'relp:': 'relp+tls', 'http:': 'https' };

/** Query parameter names that would put a literal secret in the URL. */
const LITERAL_SECRET_PARAMS = new Set(['secret', 'webhook_secret', 'whsec']);

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_ACCEPT_GRACE_MS = 1_000;
/** A server that dies with our frame unread resets the connection; this long after a write we would have seen it. */
export const DEFAULT_SETTLE_MS = 250;
export const DEFAULT_RELP_WINDOW = 128;
/** RFC 5612's documentation PEN: groundwatch has no IANA-registered private enterprise number of its own. */
export const DEFAULT_ENTERPRISE_NUMBER = '32473';
/** local0: free for site use; a force that routes by facility sets its own. */
export const DEFAULT_FACILITY = 16;

const FACILITY_NAMES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

export function parseDestination(rawUrl: string, options: DestinationOptions = {}, context: ParseContext = {}): Destination {
  const url = parseUrl(rawUrl);
  const scheme = SCHEMES[url.protocol];
  if (!scheme) {
    throw usage(
      rawUrl,
      `unknown scheme ${JSON.stringify(url.protocol.replace(/:$/, ''))}; use syslog+tls, syslog+tcp, relp, relp+tls, https or http`,
    );
  }
  rejectLiteralSecrets(url, rawUrl);
  const settings = mergeSettings(url, options, KEYS_BY_KIND[scheme.kind], scheme.kind, rawUrl);
  const tls = scheme.tls ? tlsFiles(settings) : undefined;
  if (!scheme.tls && (settings.ca ?? settings.cert ?? settings.key ?? settings.servername) !== undefined) {
    throw usage(rawUrl, `ca/cert/key/servername need a TLS scheme (${TLS_SCHEME[url.protocol] ?? 'https'})`);
  }
  if ((settings.cert === undefined) !== (settings.key === undefined)) {
    throw usage(rawUrl, 'a client certificate needs both cert and key');
  }
  const common = {
    minSeverity: settings.min_severity === undefined ? undefined : parseSeverity(settings.min_severity, rawUrl),
    timeoutMs: positiveInt(settings.timeout_ms, DEFAULT_TIMEOUT_MS, 'timeout_ms', rawUrl),
  };

  if (scheme.kind === 'webhook') {
    const secret = readWebhookSecret({ secretFile: settings.secret_file, secretEnv: settings.secret_env, env: context.env ?? process.env });
    const target = webhookTarget(url);
    const label = webhookLabel(url);
    const key = new URL(target).search === '' ? label : `${label}#${createHash('sha256').update(target).digest('hex').slice(0, 12)}`;
    return { kind: 'webhook', label, key, url: target, ...(secret ? { secret } : {}), ...(tls ? { tls } : {}), ...common };
  }

  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw usage(rawUrl, 'no host');
  if (url.port === '') throw usage(rawUrl, `no port (write ${url.protocol}//${url.hostname}:PORT)`);
  const port = Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usage(rawUrl, `bad port ${url.port}`);
  if (url.pathname !== '' && url.pathname !== '/') throw usage(rawUrl, `a ${url.protocol}// destination has no path (${url.pathname})`);
  const label = `${url.protocol}//${url.host}`;
  const key = label;
  const format = syslogFormat(settings, rawUrl);
  const tlsWithName = tls ? withDefaultServername(tls, host) : undefined;
  if (scheme.kind === 'syslog') {
    const acceptGraceMs = nonNegativeInt(settings.accept_grace_ms, DEFAULT_ACCEPT_GRACE_MS, 'accept_grace_ms', rawUrl);
    const settleMs = nonNegativeInt(settings.settle_ms, DEFAULT_SETTLE_MS, 'settle_ms', rawUrl);
    return { kind: 'syslog', label, key, host, port, ...(tlsWithName ? { tls: tlsWithName } : {}), format, acceptGraceMs, settleMs, ...common };
  }
  const window = positiveInt(settings.window, DEFAULT_RELP_WINDOW, 'window', rawUrl);
  return { kind: 'relp', label, key, host, port, ...(tlsWithName ? { tls: tlsWithName } : {}), format, window, ...common };
}

function parseUrl(rawUrl: string): URL {
  try {
    return new URL(rawUrl);
  } catch {
    // Node rejects an out-of-range port as an invalid URL: say which part is wrong when we can.
    const port = /^[a-z+]+:\/\/[^/?#]*:(\d+)/i.exec(rawUrl)?.[1];
    if (port !== undefined && Number(port) > 65535) throw usage(rawUrl, `bad port ${port}`);
    throw usage(rawUrl, 'not a URL (expected e.g. syslog+tls://host:6514 or https://host/path)');
  }
}

function rejectLiteralSecrets(url: URL, rawUrl: string): void {
  if (url.password !== '' || url.username !== '') {
    throw usage(rawUrl, 'credentials in the URL are not accepted (they show in ps and logs); use secret_file or secret_env');
  }
  for (const [name, value] of url.searchParams) {
    if (LITERAL_SECRET_PARAMS.has(name.toLowerCase()) || value.startsWith('whsec_')) {
      throw usage(rawUrl, 'a literal secret in the URL is not accepted (it shows in ps and logs); use secret_file=PATH or secret_env=VARIABLE');
    }
  }
}

/** Settings from query parameters and option keys; for a webhook only groundwatch's names are taken from the query. */
function mergeSettings(
  url: URL,
  options: DestinationOptions,
  allowed: readonly OptionKey[],
  kind: Destination['kind'],
  rawUrl: string,
): Partial<Record<OptionKey, string>> {
  const merged: Partial<Record<OptionKey, string>> = {};
  for (const [name, value] of url.searchParams) {
    if ((allowed as readonly string[]).includes(name)) {
      merged[name as OptionKey] = value;
    } else if (kind !== 'webhook') {
      throw usage(rawUrl, `unknown parameter ${JSON.stringify(name)} (known: ${allowed.join(', ')})`);
    }
  }
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(allowed as readonly string[]).includes(name)) {
      throw usage(rawUrl, `unknown option ${JSON.stringify(name)} for a ${kind} destination (known: ${allowed.join(', ')})`);
    }
    const text = String(value);
    const fromQuery = merged[name as OptionKey];
    if (fromQuery !== undefined && fromQuery !== text) {
      throw usage(rawUrl, `${name} is given both in the URL (${fromQuery}) and as an option (${text})`);
    }
    merged[name as OptionKey] = text;
  }
  return merged;
}

function tlsFiles(settings: Partial<Record<OptionKey, string>>): TlsFiles {
  return {
    ...(settings.ca !== undefined ? { ca: settings.ca } : {}),
    ...(settings.cert !== undefined ? { cert: settings.cert } : {}),
    ...(settings.key !== undefined ? { key: settings.key } : {}),
    ...(settings.servername !== undefined ? { servername: settings.servername } : {}),
  };
}

/** Server name verification needs a name: the URL host unless it is an address (then the certificate's IP SAN is checked). */
function withDefaultServername(tls: TlsFiles, host: string): TlsFiles {
  if (tls.servername !== undefined || isIP(host) !== 0) return tls;
  return { ...tls, servername: host };
}

function syslogFormat(settings: Partial<Record<OptionKey, string>>, rawUrl: string): SyslogFormat {
  const pen = settings.enterprise_number ?? DEFAULT_ENTERPRISE_NUMBER;
  // SD-ID = NAME "@" enterprise number: digits, optionally dotted sub-identifiers (RFC 5424 §7.2.2).
  if (!/^[0-9]+(\.[0-9]+)*$/.test(pen) || `groundwatch@${pen}`.length > 32) {
    throw usage(rawUrl, `enterprise_number ${JSON.stringify(pen)} is not a private enterprise number (digits, optionally dotted)`);
  }
  const hostname = settings.hostname;
  if (hostname !== undefined && !/^[\x21-\x7e]{1,255}$/.test(hostname)) {
    throw usage(rawUrl, 'hostname must be 1 to 255 printable US-ASCII characters without spaces (RFC 5424 HOSTNAME)');
  }
  return { facility: parseFacility(settings.facility, rawUrl), enterpriseNumber: pen, ...(hostname !== undefined ? { hostname } : {}) };
}

function parseFacility(text: string | undefined, rawUrl: string): number {
  if (text === undefined) return DEFAULT_FACILITY;
  const named = FACILITY_NAMES[text.toLowerCase()];
  if (named !== undefined) return named;
  const n = Number(text);
  if (/^[0-9]+$/.test(text) && n <= 23) return n;
  throw usage(rawUrl, `facility ${JSON.stringify(text)}: use 0..23 or a name (local0..local7, daemon, audit, ...)`);
}

function parseSeverity(text: string, rawUrl: string): Severity {
  const severity = SEVERITY_ORDER.find((s) => s === text.toLowerCase());
  if (!severity) throw usage(rawUrl, `min_severity ${JSON.stringify(text)}: use ${SEVERITY_ORDER.join(', ')}`);
  return severity;
}

function positiveInt(text: string | undefined, fallback: number, name: string, rawUrl: string): number {
  const n = nonNegativeInt(text, fallback, name, rawUrl);
  if (n === 0) throw usage(rawUrl, `${name} must be at least 1`);
  return n;
}

function nonNegativeInt(text: string | undefined, fallback: number, name: string, rawUrl: string): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,9}$/.test(text)) throw usage(rawUrl, `${name} ${JSON.stringify(text)} is not a whole number`);
  return Number(text);
}

const GROUNDWATCH_PARAMS = new Set<string>(KEYS_BY_KIND.webhook);

function webhookTarget(url: URL): string {
  const target = new URL(url.href);
  for (const name of [...target.searchParams.keys()]) if (GROUNDWATCH_PARAMS.has(name)) target.searchParams.delete(name);
  target.hash = '';
  return target.href;
}

/** Scheme, host and path only: a receiver's own query parameters may carry tokens. */
function webhookLabel(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The URL for an error message, without anything that may be a secret. */
function redact(rawUrl: string): string {
  try {
    const url = new URL(rawUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return rawUrl.replace(/[?#].*$/s, '');
  }
}

/** Errors name the destination without its query (a receiver's own parameters may carry tokens). */
function usage(rawUrl: string, problem: string): GroundwatchError {
  return new GroundwatchError('USAGE', `--deliver ${redact(rawUrl)}: ${problem}`);
}
