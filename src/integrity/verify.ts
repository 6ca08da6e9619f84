/**
 * `groundwatch verify`: re-derives the log from the store's rows and checks
 * every checkpoint (stored and external) against it. See docs/integrity.md for
 * what a pass proves and what it does not.
 */
import type { Database } from 'better-sqlite3';
import type { ParsedCheckpoint } from './checkpoint.js';
import { storedCheckpoints } from './log-store.js';
import { encodeVerifierKey, type NoteVerifier } from './note-keys.js';
import { checkEntries } from './verify-entries.js';
import { checkExternal, checkStoredCheckpoints } from './verify-checkpoints.js';
import type { CheckpointResult, Problem, VerifyReport } from './verify-types.js';

export interface VerifyOptions {
  store: string;
  /** The box's public key, from outside the box. */
  key?: NoteVerifier;
  external?: readonly { file: string; checkpoint: ParsedCheckpoint }[];
}

export function verifyStore(db: Database, opts: VerifyOptions): VerifyReport {
  const notes: string[] = [];
  const entries = checkEntries(db);
  const problems: Problem[] = [...entries.problems];
  const stored = storedCheckpoints(db);
  const cps = checkStoredCheckpoints(stored, entries.leaves, opts.key);
  problems.push(...cps.problems);
  const external: CheckpointResult[] = [];
  for (const { file, checkpoint } of opts.external ?? []) {
    const r = checkExternal(file, checkpoint, entries.leaves, opts.key);
    external.push(r.result);
    problems.push(...r.problems);
  }
  const recorded = stored.some((s) => s.signed_by !== null);
  const keySource = opts.key ? 'given' : recorded ? 'recorded' : 'none';
  if (!opts.key) {
    notes.push(
      recorded
        ? 'no --key: signatures were checked with the key recorded in the store, which proves nothing on its own (whoever can rewrite the store can replace that key); give --key with the public key kept off the box'
        : 'no --key and no signed checkpoint: the log is only consistent with itself',
    );
  }
  if (!opts.external?.length) notes.push('no --checkpoint: without a checkpoint held off the box, deleting the newest entries together with every later checkpoint cannot be detected');
  if (entries.superseded) notes.push(`${entries.superseded} entries hold an alert's earlier content (the alert was written again later, e.g. by a second replay of the same capture): checked against their own hash only`);
  if (entries.retired) notes.push(`${entries.retired} logged rows were deleted by retention, each named by a retention entry later in the log`);
  if (entries.baseline) notes.push(`${entries.baseline} rows predate the log (the store had them before migration 5): not covered`);
  const signedByKey = cps.results.filter((r) => r.signature === 'valid' && r.matches && opts.key);
  if (opts.key && stored.length > 0 && !cps.results.some((r) => r.signature === 'valid')) {
    problems.push({ kind: 'signature', message: `no stored checkpoint is signed by the given key ${encodeVerifierKey(opts.key)}` });
  }
  const verifiedRange = range([
    ...signedByKey.map((r) => ({ size: r.size, by: `checkpoint #${r.id} signed by the given key` })),
    ...external.filter((r) => r.matches && (!opts.key || r.signature === 'valid')).map((r) => ({ size: r.size, by: `external checkpoint ${r.id}` })),
  ]);
  return {
    ok: problems.length === 0,
    store: opts.store,
    entries: entries.leaves.length,
    superseded: entries.superseded,
    baseline: entries.baseline,
    retired: entries.retired,
    key: { source: keySource, ...(opts.key ? { verifierKey: encodeVerifierKey(opts.key) } : {}) },
    checkpoints: cps.results,
    external,
    verifiedRange,
    notes,
    problems,
  };
}

function range(proofs: { size: number; by: string }[]): VerifyReport['verifiedRange'] {
  const best = proofs.filter((p) => p.size > 0).sort((a, b) => b.size - a.size)[0];
  return best ? { first: 0, last: best.size - 1, by: best.by } : null;
}
