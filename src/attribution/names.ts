/** Choosing and normalising a flow's name from all the evidence gathered. */
import type { Attribution, NameEvidence, NameSource } from '../types.js';
import { foldHostName } from '../util/host-name.js';

/** What the app itself sent beats what a resolver said earlier. */
const PRIORITY: Record<NameSource, number> = { tls_sni: 0, quic_sni: 1, http_host: 2, dns: 3 };

export function addNameEvidence(a: Attribution, evidence: NameEvidence): boolean {
  const host = foldHostName(evidence.host);
  if (host === '') return false;
  if (a.names.some((n) => n.source === evidence.source && foldHostName(n.host) === host)) return false;
  a.names.push({ ...evidence, host });
  const best = [...a.names].sort((x, y) => PRIORITY[x.source] - PRIORITY[y.source])[0]!;
  const changed = a.host !== best.host || a.source !== best.source;
  a.host = best.host;
  a.source = best.source;
  a.conflict = new Set(a.names.map((n) => n.host)).size > 1;
  return changed;
}
