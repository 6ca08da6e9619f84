/** Choosing and normalising a flow's name from all the evidence gathered. */
import type { Attribution, NameEvidence, NameSource } from '../types.js';
import { foldHostName } from '../util/host-name.js';

/** Each name source's rank, lowest first: its analyzer's place in the registry (src/attribution/registry.ts). */
export type NameRank = Readonly<Partial<Record<NameSource, number>>>;

const rankOf = (rank: NameRank, source: NameSource): number => rank[source] ?? Number.MAX_SAFE_INTEGER;

export function addNameEvidence(a: Attribution, evidence: NameEvidence, rank: NameRank): boolean {
  const host = foldHostName(evidence.host);
  if (host === '') return false;
  if (a.names.some((n) => n.source === evidence.source && foldHostName(n.host) === host)) return false;
  a.names.push({ ...evidence, host });
  const best = [...a.names].sort((x, y) => rankOf(rank, x.source) - rankOf(rank, y.source))[0]!;
  const changed = a.host !== best.host || a.source !== best.source;
  a.host = best.host;
  a.source = best.source;
  a.conflict = new Set(a.names.map((n) => n.host)).size > 1;
  return changed;
}
