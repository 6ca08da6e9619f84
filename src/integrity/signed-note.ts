/**
 * Signed notes (c2sp.org/signed-note): a text ending in a newline, a blank
 * line, then one line per signature, "— <key name> base64(key ID || sig)".
 * Ed25519 signs exactly the text, its final newline included, so whatever the
 * text says (for a checkpoint: origin, tree size, root) is what is signed.
 */
import { sign as edSign, verify as edVerify } from 'node:crypto';
import type { NoteSigner, NoteVerifier } from './note-keys.js';

const DASH = '\u2014';
/** Notes we read are small; the spec asks verifiers for a bound (at least 16 signatures). */
const MAX_NOTE_BYTES = 64 * 1024;
const MAX_SIGNATURES = 64;

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Buffer;
}

export interface ParsedNote {
  /** The signed text, final newline included. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export class NoteFormatError extends Error {}

export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  const lines = signers.map((s) => {
    const sig = edSign(null, Buffer.from(text, 'utf8'), s.privateKey);
    const id = Buffer.alloc(4);
    id.writeUInt32BE(s.keyId);
    return `${DASH} ${s.name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** Splits a note at its last blank line; refuses anything the spec forbids. */
export function parseNote(note: string): ParsedNote {
  if (Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES) throw new NoteFormatError('note too large');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note) || note.includes('\uFFFD')) throw new NoteFormatError('note holds control characters or invalid UTF-8');
  if (!note.endsWith('\n')) throw new NoteFormatError('note does not end in a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteFormatError('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_SIGNATURES) throw new NoteFormatError('too many signatures');
  const signatures = sigLines.map(parseSignatureLine);
  return { text, signatures };
}

function parseSignatureLine(line: string): NoteSignature {
  const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
  if (!m) throw new NoteFormatError(`malformed signature line ${JSON.stringify(line.slice(0, 80))}`);
  const raw = Buffer.from(m[2] as string, 'base64');
  if (raw.length < 5) throw new NoteFormatError('signature too short');
  return { name: m[1] as string, keyId: raw.readUInt32BE(0), signature: raw.subarray(4) };
}

export type NoteCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'no_signature_from_key' | 'bad_signature' };

/**
 * Checks the note carries a valid signature by `verifier` over its text. Signatures by
 * other keys are ignored (as the spec requires); one by this key that fails is a failure.
 */
export function verifyNote(note: ParsedNote, verifier: NoteVerifier): NoteCheck {
  const mine = note.signatures.filter((s) => s.name === verifier.name && s.keyId === verifier.keyId);
  if (mine.length === 0) return { ok: false, reason: 'no_signature_from_key' };
  const data = Buffer.from(note.text, 'utf8');
  for (const s of mine) {
    if (s.signature.length !== 64 || !edVerify(null, data, verifier.key, s.signature)) return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true };
}

function checkText(text: string): void {
  if (!text.endsWith('\n') || text.startsWith('\n')) throw new NoteFormatError('note text must end in a newline');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteFormatError('note text holds control characters');
}
