/** Text for `groundwatch rules explain`: what is known about a destination and which rules fire, with reasons. */
import type { RuleEngine } from '../rules/engine.js';
import type { FlowFacts, RuleHit } from '../rules/types.js';
import type { GeoInfo, Transport } from '../types.js';
import { buildDay, databaseLabel, plainReason } from '../util/db-label.js';

/** Stands for the address when only a name is explained: not an IP, so no address predicate can match it. */
const NO_ADDRESS = 'address-not-given';

export interface ExplainOptions {
  port?: number;
  transport?: Transport;
  deviceIp?: string;
  deviceMac?: string;
}

/**
 * `ip` undefined: only a name was given (`rules explain flysafe-api.dji.com`). groundwatch resolves
 * nothing itself, so the name's rules are explained and the address rules (country, ASN, CIDR) are
 * said not to be evaluated.
 */
export function explainDestination(engine: RuleEngine, ip: string | undefined, host: string | undefined, geo: GeoInfo, opts: ExplainOptions = {}): string[] {
  const port = opts.port ?? 443;
  const transport = opts.transport ?? 'tcp';
  const facts: FlowFacts = {
    device: { ip: opts.deviceIp ?? '0.0.0.0', ...(opts.deviceMac ? { mac: opts.deviceMac } : {}) },
    destination: {
      ip: ip ?? NO_ADDRESS, port, transport, names: [],
      ...(host ? { domain: host, nameSource: 'tls_sni' as const } : { unknownName: 'not_inspected' as const }),
    },
    geo,
  };
  const where = ip === undefined ? `${host ?? ''} port ${port}/${transport}` : `${ip}:${port}/${transport}`;
  const lines = [`destination ${where}${host ? ` name ${host} (as if learned from tls_sni)` : ' (no name)'}`];
  if (ip === undefined) lines.push('  address: not given (groundwatch resolves nothing): country, network and address rules are not evaluated');
  else lines.push(...describeGeo(geo));
  const result = engine.matchFlow(facts);
  if (result.alerts.length + result.suppressed.length + result.allowedBy.length === 0) {
    lines.push(`no rule matches (${engine.rules.length} rules loaded)`);
    return lines;
  }
  for (const h of result.alerts) lines.push(...describeHit('ALERT', h));
  for (const h of result.suppressed) lines.push(...describeHit('ALLOWED (would alert)', h));
  for (const h of result.allowedBy) lines.push(...describeHit('ALLOW', h));
  return lines;
}

function describeGeo(geo: GeoInfo): string[] {
  if (geo.special) return [`  address range: ${geo.special} (never geolocated)`];
  const country = geo.countryIso ?? 'unknown';
  const cdb = dbNote(geo.countryDb);
  const as = geo.asn !== undefined ? `AS${geo.asn}${geo.asOrg ? ` ${geo.asOrg}` : ''}` : 'unknown';
  const adb = dbNote(geo.asnDb);
  const op = geo.operatorCountry ? `${geo.operatorName ?? 'operator'} (${geo.operatorCountry})` : 'not in the operator list';
  const lines = [`  located in: ${country}${cdb}`];
  if (geo.registrantDb) {
    const rdb = dbNote(geo.registrantDb);
    lines.push(`  registered to: ${geo.registrantCountryIso ?? 'unknown'}${rdb}`);
  }
  return [...lines, `  network: ${as}${adb}`, `  operated by: ${op}`];
}

/** ` [DB-IP Lite Country, built 2026-06-01]`: the database as people know it, and its build day. */
function dbNote(db: { type: string; buildDate: string } | undefined): string {
  return db ? ` [${databaseLabel(db.type)}, built ${buildDay(db.buildDate)}]` : '';
}

function describeHit(label: string, h: RuleHit): string[] {
  const r = h.rule;
  const sev = r.action === 'alert' ? ` severity=${r.severity} category=${r.category}` : '';
  return [
    `${label} ${r.id} v${r.version} (${r.ruleset}@${r.rulesetVersion}, confidence ${r.confidence})${sev}: ${r.name}`,
    ...h.reasons.map((reason) => `    because ${plainReason(reason)}`),
    `    source: ${r.source}`,
  ];
}
