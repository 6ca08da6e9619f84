/**
 * Checks checkpoints against the log's recomputed leaves: each one's size and
 * root are read from its signed text only (never from a column beside it:
 * CVE-2023-31439), its signature is checked with the key asked for, its root
 * must be the root of the log's first `size` entries, a size beyond the log
 * means entries were deleted, and successive checkpoints must be consistent.
 */
import { parseCheckpoint, type ParsedCheckpoint } from './checkpoint.js';
import { consistencyProof, verifyConsistency, type Hash } from './merkle.js';
import { MerkleFrontier } from './merkle-frontier.js';
import { encodeVerifierKey, parseVerifierKey, type NoteVerifier } from './note-keys.js';
import { verifyNote } from './signed-note.js';
import type { StoredCheckpoint } from './log-store.js';
import type { CheckpointResult, Problem, SignatureStatus } from './verify-types.js';

/** Consistency proofs are computed for this many of the newest checkpoint pairs (each costs O(size)). */
const MAX_CONSISTENCY_PROOFS = 64;

/** Roots of the first `size` leaves for every size asked, in one pass. */
export function rootsAtSizes(leaves: readonly Hash[], sizes: Iterable<number>): Map<number, Hash> {
  const wanted = [...new Set(sizes)].filter((s) => s <= leaves.length).sort((a, b) => a - b);
  const out = new Map<number, Hash>();
  const frontier = new MerkleFrontier();
  for (const size of wanted) {
    while (frontier.size < size) frontier.append(leaves[frontier.size] as Hash);
    out.set(size, frontier.root());
  }
  return out;
}

export function signatureStatus(cp: ParsedCheckpoint, verifier: NoteVerifier | undefined): SignatureStatus {
  if (cp.signatures.length === 0) return 'unsigned';
  if (!verifier) return 'not_checked';
  const check = verifyNote(cp, verifier);
  if (check.ok) return 'valid';
  return check.reason === 'bad_signature' ? 'bad_signature' : 'not_by_key';
}

interface Checked {
  results: CheckpointResult[];
  problems: Problem[];
  parsed: Map<number, ParsedCheckpoint>;
}

export function checkStoredCheckpoints(stored: readonly StoredCheckpoint[], leaves: readonly Hash[], givenKey: NoteVerifier | undefined): Checked {
  const problems: Problem[] = [];
  const results: CheckpointResult[] = [];
  const parsed = new Map<number, ParsedCheckpoint>();
  for (const row of stored) {
    try {
      parsed.set(row.id, parseCheckpoint(row.note));
    } catch (err) {
      problems.push({ kind: 'checkpoint', checkpoint: row.id, message: `checkpoint #${row.id} is not a valid checkpoint: ${(err as Error).message}` });
    }
  }
  const roots = rootsAtSizes(leaves, [...parsed.values()].map((p) => p.size));
  for (const row of stored) {
    const cp = parsed.get(row.id);
    if (!cp) continue;
    const name = `checkpoint #${row.id} (size ${cp.size})`;
    if (cp.size !== row.tree_size || !Buffer.from(row.root_hash ?? []).equals(cp.root)) {
      problems.push({ kind: 'checkpoint', checkpoint: row.id, message: `${name}: its tree_size/root_hash columns differ from its signed text (the text is what is checked)` });
    }
    const verifier = givenKey ?? recordedKey(row);
    const signature = signatureStatus(cp, verifier);
    if (signature === 'bad_signature') {
      problems.push({ kind: 'signature', checkpoint: row.id, message: `${name}: its signature does not verify with ${keyLabel(verifier)} (text changed after signing)` });
    } else if (signature === 'not_by_key' && givenKey) {
      problems.push({ kind: 'signature', checkpoint: row.id, message: `${name} is not signed by the given key (signed as ${cp.signatures.map((s) => s.name).join(', ')}): swapped in or signed by another key` });
    }
    const matches = matchLog(name, row.id, cp, leaves.length, roots, problems, 'checkpoint');
    results.push({ id: row.id, size: cp.size, root: cp.root.toString('base64'), signature, matches });
  }
  problems.push(...checkSuccession(stored.filter((s) => parsed.has(s.id)).map((s) => ({ id: s.id, cp: parsed.get(s.id) as ParsedCheckpoint })), leaves));
  return { results, problems, parsed };
}

export function checkExternal(file: string, cp: ParsedCheckpoint, leaves: readonly Hash[], givenKey: NoteVerifier | undefined): { result: CheckpointResult; problems: Problem[] } {
  const problems: Problem[] = [];
  const name = `external checkpoint ${file} (size ${cp.size})`;
  const signature = signatureStatus(cp, givenKey);
  if (givenKey && signature !== 'valid') {
    problems.push({ kind: 'external', checkpoint: file, message: `${name}: ${signature === 'unsigned' ? 'unsigned' : `not validly signed by the given key (${signature})`}` });
  }
  const roots = rootsAtSizes(leaves, [cp.size]);
  const matches = matchLog(name, file, cp, leaves.length, roots, problems, 'external');
  return { result: { id: file, size: cp.size, root: cp.root.toString('base64'), signature, matches }, problems };
}

function matchLog(name: string, id: number | string, cp: ParsedCheckpoint, logSize: number, roots: Map<number, Hash>, problems: Problem[], kind: 'checkpoint' | 'external'): boolean {
  if (cp.size > logSize) {
    problems.push({ kind: 'truncated', checkpoint: id, message: `${name}: the log holds only ${logSize} entries; entries ${logSize}..${cp.size - 1} were deleted (truncated)` });
    return false;
  }
  if (roots.get(cp.size)?.equals(cp.root)) return true;
  problems.push({ kind, checkpoint: id, message: `${name}: its root is not the root of entries 0..${cp.size - 1} recomputed from the store (log rewritten)` });
  return false;
}

/** Sizes never shrink, and each newer tree is an extension of the older (RFC 9162 consistency proof). */
function checkSuccession(list: { id: number; cp: ParsedCheckpoint }[], leaves: readonly Hash[]): Problem[] {
  const problems: Problem[] = [];
  for (let i = 1; i < list.length; i++) {
    const a = list[i - 1] as { id: number; cp: ParsedCheckpoint };
    const b = list[i] as { id: number; cp: ParsedCheckpoint };
    if (b.cp.size < a.cp.size) {
      problems.push({ kind: 'consistency', checkpoint: b.id, message: `checkpoint #${b.id} (size ${b.cp.size}) is smaller than the earlier #${a.id} (size ${a.cp.size}): the log shrank` });
      continue;
    }
    if (i < list.length - MAX_CONSISTENCY_PROOFS || b.cp.size > leaves.length) continue;
    const proof = consistencyProof(leaves.slice(0, b.cp.size), a.cp.size);
    if (!verifyConsistency(a.cp.size, b.cp.size, a.cp.root, b.cp.root, proof)) {
      problems.push({ kind: 'consistency', checkpoint: b.id, message: `checkpoint #${b.id} (size ${b.cp.size}) is not consistent with #${a.id} (size ${a.cp.size}): history before it was rewritten` });
    }
  }
  return problems;
}

function recordedKey(row: StoredCheckpoint): NoteVerifier | undefined {
  if (!row.signed_by) return undefined;
  try {
    return parseVerifierKey(row.signed_by);
  } catch {
    return undefined;
  }
}

function keyLabel(v: NoteVerifier | undefined): string {
  return v ? encodeVerifierKey(v) : 'no key';
}
