/**
 * The log part of a bundle, checked offline: the checkpoint parses (and,
 * with the box's public key, carries its valid signature); each logged file
 * is an entry about what the manifest says (the alert of the bundle, the run
 * that raised it) and its RFC 9162 leaf hash is included, by its proof, in
 * the tree whose size and root the checkpoint's signed text gives. Sizes and
 * roots are read from the signed text only, never from the proof file.
 */
import { leafHash, parseCheckpoint, verifyInclusion, verifyNote, type NoteVerifier, type ParsedCheckpoint } from '../integrity/index.js';
import { BUNDLE_FILES, type Manifest } from './bundle-manifest.js';
import type { ProofFile } from './bundle-writer.js';
import type { BundleCheck } from './bundle-verify.js';

export function checkLogPart(read: (name: string) => Buffer | undefined, manifest: Manifest, verifier: NoteVerifier | undefined): BundleCheck[] {
  const checks: BundleCheck[] = [];
  const fail = (check: string, file: string, detail: string) => checks.push({ check, file, ok: false, detail });
  const cpBytes = read(BUNDLE_FILES.checkpoint);
  const proofBytes = read(BUNDLE_FILES.proof);
  // A file missing or failing its hash was reported by name already; nothing more can be said of the log.
  if (cpBytes === undefined || proofBytes === undefined) return [{ check: 'log', file: cpBytes === undefined ? BUNDLE_FILES.checkpoint : BUNDLE_FILES.proof, ok: false, detail: 'cannot check the log part without it' }];
  let cp: ParsedCheckpoint;
  try {
    cp = parseCheckpoint(cpBytes.toString('utf8'));
  } catch (err) {
    fail('checkpoint', BUNDLE_FILES.checkpoint, `not a checkpoint: ${(err as Error).message}`);
    return checks;
  }
  checks.push(signatureCheck(cp, verifier));
  const proofs = parseProofFile(proofBytes);
  if (proofs === undefined) {
    fail('proof', BUNDLE_FILES.proof, 'not an inclusion proof file');
    return checks;
  }
  if (proofs.tree_size !== cp.size) fail('proof', BUNDLE_FILES.proof, `proofs are for tree size ${proofs.tree_size}, the checkpoint signs tree size ${cp.size}`);
  if (!proofs.entries.some((e) => e.file === BUNDLE_FILES.alert)) fail('proof', BUNDLE_FILES.proof, `no proof for ${BUNDLE_FILES.alert}`);
  let alertRow: Record<string, unknown> | undefined;
  for (const e of proofs.entries) {
    const bytes = read(e.file);
    if (bytes === undefined) {
      fail('inclusion', e.file, 'cannot check: the file is missing or failed its hash');
      continue;
    }
    const entry = parseEntry(bytes);
    const subject = entrySubject(entry, e, manifest, alertRow);
    if (subject !== undefined) fail('entry', e.file, subject);
    if (e.kind === 'alert') alertRow = entry?.row;
    const leaf = leafHash(bytes);
    const hashes = e.proof.map((p) => Buffer.from(p, 'base64'));
    const included = verifyInclusion(e.entry_index, cp.size, leaf, hashes, cp.root);
    checks.push({
      check: 'inclusion',
      file: e.file,
      ok: included,
      detail: included
        ? `leaf ${leaf.toString('hex').slice(0, 16)}… is entry ${e.entry_index} of the checkpoint's tree (size ${cp.size}, root ${cp.root.toString('base64')})`
        : `leaf hash ${leaf.toString('hex')} is not entry ${e.entry_index} of the checkpoint's tree (size ${cp.size}): the file is not what the log recorded`,
    });
  }
  return checks;
}

function signatureCheck(cp: ParsedCheckpoint, verifier: NoteVerifier | undefined): BundleCheck {
  const file = BUNDLE_FILES.checkpoint;
  if (verifier === undefined) {
    return { check: 'signature', file, ok: true, detail: `not checked: no --key given (${cp.signatures.length} signature line(s); origin ${cp.origin})` };
  }
  const result = verifyNote(cp, verifier);
  if (result.ok) return { check: 'signature', file, ok: true, detail: `signed by ${verifier.name} over tree size ${cp.size}` };
  return { check: 'signature', file, ok: false, detail: result.reason === 'no_signature_from_key' ? `no signature by ${verifier.name} (the checkpoint is unsigned or signed by another key)` : `the signature by ${verifier.name} does not verify` };
}

interface Entry {
  kind?: unknown;
  ref?: unknown;
  row?: Record<string, unknown>;
}

function parseEntry(bytes: Buffer): Entry | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' ? (v as Entry) : undefined;
  } catch {
    return undefined;
  }
}

/** Why the entry is not about what the bundle says (a validly logged entry of another alert swapped in), or undefined. */
function entrySubject(entry: Entry | undefined, e: ProofFile['entries'][number], manifest: Manifest, alertRow: Record<string, unknown> | undefined): string | undefined {
  if (entry === undefined) return 'not a log entry (canonical JSON)';
  if (entry.kind !== e.kind || entry.ref !== e.ref) return `the entry is ${String(entry.kind)} ${String(entry.ref)}, the proof file says ${e.kind} ${e.ref}`;
  if (e.kind === 'alert') {
    if (entry.ref !== manifest.alert_id) return `the entry is alert ${String(entry.ref)}, the bundle is for alert ${manifest.alert_id}`;
    if (entry.row?.['flow_uid'] !== manifest.flow_uid) return `the entry's flow ${String(entry.row?.['flow_uid'])} is not the bundle's flow ${manifest.flow_uid}`;
  }
  if (e.kind === 'run' && alertRow !== undefined && alertRow['run_id'] !== entry.ref) return `the run ${String(entry.ref)} is not the alert's run ${String(alertRow['run_id'])}`;
  return undefined;
}

function parseProofFile(bytes: Buffer): ProofFile | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as ProofFile;
    const ok =
      Number.isSafeInteger(v.tree_size) &&
      Array.isArray(v.entries) &&
      v.entries.every((e) => typeof e.file === 'string' && (e.kind === 'alert' || e.kind === 'run') && typeof e.ref === 'string' && Number.isSafeInteger(e.entry_index) && Array.isArray(e.proof) && e.proof.every((p) => typeof p === 'string'));
    return ok ? v : undefined;
  } catch {
    return undefined;
  }
}
