import { Command, Option } from 'commander';
import { GroundwatchError } from '../errors.js';
import type { GeoInfo } from '../types.js';
import { GeoResolver, type GeoDatabaseInfo, type GeoOptions } from '../enrich/geo-resolver.js';
import { DEFAULT_GEOIP_MAX_AGE_DAYS, refreshAdvice, staleDatabases } from '../enrich/staleness.js';
import { parseAddress as parseIp } from '../address/ip.js';
import { MAINLAND_CHINA, sourcesDisagreeAbout } from '../util/country-sources.js';
import { neutralizeTerminalLine, neutralizeTerminalText as neutralize, sanitizeForTerminal as safe } from '../util/terminal-text.js';
import { wholeNumber } from './whole-number.js';

export interface GeoipCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => Date;
}

const DEFAULT_IO: GeoipCommandIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export const DEFAULT_MAX_AGE_DAYS = DEFAULT_GEOIP_MAX_AGE_DAYS;

interface CommonFlags {
  geoip?: string;
  systemGeoip: boolean;
  format: 'text' | 'ndjson';
}

/** `geoip lookup <ip...>` and `geoip info`: thin wrappers over GeoResolver. */
export function registerGeoipCommands(program: Command, io: GeoipCommandIo = DEFAULT_IO): void {
  const geoip = program.command('geoip').description('GeoIP / ASN databases: look up addresses, show what is in use');
  withCommonFlags(geoip.command('lookup').description('location and registrant country, ASN, operator and special range of addresses'))
    .argument('<ip...>', 'IPv4 or IPv6 addresses')
    .action(async (ips: string[], flags: CommonFlags) => runLookup(ips, flags, io));
  withCommonFlags(geoip.command('info').description('databases in use: paths, build dates, record counts, licences'))
    .option('--max-age-days <n>', 'warn when a database is older than this', parseDays, DEFAULT_MAX_AGE_DAYS)
    .action(async (flags: CommonFlags & { maxAgeDays: number }) => runInfo(flags, io));
}

function withCommonFlags(cmd: Command): Command {
  return cmd
    .option('--geoip <dir>', 'directory (or .mmdb file) with MaxMind-compatible databases, searched first')
    .option('--no-system-geoip', 'do not search /usr/share/GeoIP and /var/lib/GeoIP')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'ndjson']).default('text'));
}

function parseDays(value: string): number {
  const n = wholeNumber(value);
  if (n === undefined) throw new GroundwatchError('USAGE', `--max-age-days wants a whole number >= 0, got "${value}"`);
  return n;
}

function resolverOptions(flags: CommonFlags): GeoOptions {
  const opts: GeoOptions = { searchSystemDirs: flags.systemGeoip };
  if (flags.geoip !== undefined) opts.dir = flags.geoip;
  return opts;
}

/** Every good address is answered; the bad ones are named after, in one error (exit 2). */
async function runLookup(ips: string[], flags: CommonFlags, io: GeoipCommandIo): Promise<void> {
  const bad = ips.filter((ip) => parseIp(ip) === undefined);
  const good = ips.filter((ip) => parseIp(ip) !== undefined);
  if (good.length > 0) await lookupAll(good, flags, io);
  if (bad.length > 0) {
    const named = bad.map((ip) => JSON.stringify(ip)).join(', ');
    const answered = good.length > 0 ? ` (the other ${good.length} answered above)` : '';
    throw new GroundwatchError('USAGE', `not an IP address: ${named}${answered}`);
  }
}

async function lookupAll(ips: string[], flags: CommonFlags, io: GeoipCommandIo): Promise<void> {
  const resolver = await GeoResolver.open(resolverOptions(flags));
  for (const ip of ips) {
    const info = resolver.lookup(ip);
    const disputed = sourcesDisagreeAbout(info, MAINLAND_CHINA) ? { geoDisagreement: 'CN' } : {};
    io.out(flags.format === 'ndjson' ? `${JSON.stringify({ ip, ...info, ...disputed })}\n` : neutralize(lookupText(ip, info)));
  }
}

function dbLabel(ref: GeoInfo['countryDb']): string {
  return ref ? `${ref.type}, built ${ref.buildDate.slice(0, 10)}, ${ref.path}` : 'not looked up';
}

function lookupText(ip: string, g: GeoInfo): string {
  const asn = g.asn !== undefined ? `AS${g.asn}${g.asOrg ? ` ${g.asOrg}` : ''}` : '-';
  const operator = g.operatorCountry ? `${g.operatorCountry} (${g.operatorName ?? '?'})` : '-';
  const notLooked = 'not looked up (special range)';
  const rows: Array<[string, string]> = [
    ['country', g.countryIso ?? '-'],
    ['registrant country', g.registrantCountryIso ?? '-'],
    ['registered country', g.registeredCountryIso ?? '-'],
    ['asn', asn],
    ['operator', operator],
    ['special range', g.special ?? '-'],
    ['country db', g.special ? notLooked : dbLabel(g.countryDb)],
    ['registrant db', g.special ? notLooked : dbLabel(g.registrantDb)],
    ['asn db', g.special ? notLooked : dbLabel(g.asnDb)],
  ];
  if (sourcesDisagreeAbout(g, MAINLAND_CHINA)) {
    rows.push(['disagreement', 'location and registrant disagree about mainland China (CN); rules judge it (china.cn-disputed)']);
  }
  return `${ip}\n${rows.map(([k, v]) => `  ${k.padEnd(18)} ${safe(v)}\n`).join('')}`;
}

async function runInfo(flags: CommonFlags & { maxAgeDays: number }, io: GeoipCommandIo): Promise<void> {
  const resolver = await GeoResolver.open(resolverOptions(flags));
  const dbs = resolver.databases(io.now?.() ?? new Date());
  const ops = resolver.operatorsFile();
  if (flags.format === 'ndjson') {
    for (const db of dbs) io.out(`${JSON.stringify(db)}\n`);
    io.out(`${JSON.stringify({ role: 'operators', path: ops.path, asns: ops.asns })}\n`);
  } else {
    for (const db of dbs) io.out(neutralize(infoText(db)));
    io.out(`operators\n  path        ${safe(ops.path)}\n  asns        ${ops.asns}\n`);
  }
  for (const role of ['country', 'registrant', 'asn'] as const) {
    if (!dbs.some((d) => d.role === role)) io.err(`groundwatch: warning: no ${role} database found\n`); // no input quoted
  }
  for (const db of dbs) {
    if (db.ageDays > flags.maxAgeDays) {
      io.err(
        `${neutralizeTerminalLine(
          `groundwatch: warning: ${db.role} database ${db.type} (${db.path}) is ${db.ageDays} days old ` +
            `(limit ${flags.maxAgeDays}); refresh it: ${refreshAdvice(staleDatabases([db], flags.maxAgeDays))}`,
        )}\n`,
      );
    }
  }
}

function infoText(db: GeoDatabaseInfo): string {
  const rows: Array<[string, string]> = [
    ['type', db.type],
    ['path', db.path],
    ['source', db.origin],
    ['built', `${db.buildDate} (${db.ageDays} days ago)`],
    ['nodes', `${db.recordCount} (record size ${db.recordSize}, IPv${db.ipVersion} tree)`],
    ['licence', db.licence],
  ];
  return `${db.role}\n${rows.map(([k, v]) => `  ${k.padEnd(11)} ${safe(v)}\n`).join('')}`;
}
