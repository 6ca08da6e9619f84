/** The verify report for a person: what was checked, each failure on its own line, the range proven. */
import type { CheckpointResult, VerifyReport } from './verify-types.js';

export function verifyText(r: VerifyReport): string {
  const lines = [
    `store        ${r.store}`,
    `log          ${r.entries} entries${r.entries ? ` (0..${r.entries - 1})` : ''}, each re-derived from its row`,
    `key          ${r.key.source === 'given' ? `given: ${r.key.verifierKey}` : r.key.source === 'recorded' ? 'none given (the key recorded in the store was used)' : 'none'}`,
    `checkpoints  ${r.checkpoints.length} stored${r.checkpoints.length ? `: ${summarise(r.checkpoints)}` : ''}`,
  ];
  for (const e of r.external) lines.push(`external     ${e.id}: size ${e.size}, ${e.matches ? 'matches the log' : 'does NOT match the log'}, signature ${e.signature}`);
  for (const p of r.problems) lines.push(`FAIL         ${p.message}`);
  for (const n of r.notes) lines.push(`note         ${n}`);
  lines.push(
    r.verifiedRange
      ? `verified     entries ${r.verifiedRange.first}..${r.verifiedRange.last} against ${r.verifiedRange.by}`
      : 'verified     no range proven against anything held off the box',
  );
  lines.push(r.ok ? 'result       OK' : `result       FAILED: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}

function summarise(list: readonly CheckpointResult[]): string {
  const last = list[list.length - 1] as CheckpointResult;
  const bySig = new Map<string, number>();
  for (const c of list) bySig.set(c.signature, (bySig.get(c.signature) ?? 0) + 1);
  const sigs = [...bySig].map(([s, n]) => `${n} ${s}`).join(', ');
  const mismatched = list.filter((c) => !c.matches).length;
  return `newest #${last.id} at size ${last.size}; signatures: ${sigs}; ${mismatched ? `${mismatched} do NOT match the log` : 'all match the log'}`;
}
