/**
 * Checkpoints (c2sp.org/tlog-checkpoint): a signed note whose text is
 *
 *   <origin>\n<tree size, decimal>\n<base64 root hash>\n
 *
 * The size and root a checkpoint vouches for are read only from the signed
 * text, never from anything beside it (a table column, a file name): a
 * signature is bound to exactly one size and root, so an old signature
 * cannot be replayed over a newer size (the failure of CVE-2023-31439).
 * An unsigned checkpoint is the text alone followed by the blank line.
 */
import { HASH_SIZE, type Hash } from './merkle.js';
import type { NoteSigner } from './note-keys.js';
import { NoteFormatError, parseNote, signNote, type NoteSignature } from './signed-note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
}

export interface ParsedCheckpoint extends Checkpoint {
  /** The signed text (what the signatures cover). */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export function checkpointText(cp: Checkpoint): string {
  if (cp.origin === '' || /[\n]/.test(cp.origin)) throw new NoteFormatError('origin must be one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new NoteFormatError('tree size must be a whole number');
  if (cp.root.length !== HASH_SIZE) throw new NoteFormatError('root hash must be 32 bytes');
  return `${cp.origin}\n${cp.size}\n${cp.root.toString('base64')}\n`;
}

/** The whole note: signed by each signer, or (no signer) the text and a blank line only. */
export function formatCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  const text = checkpointText(cp);
  return signers.length > 0 ? signNote(text, signers) : `${text}\n`;
}

export function parseCheckpoint(note: string): ParsedCheckpoint {
  const unsigned = note.endsWith('\n\n') && note.indexOf('\n\n') === note.length - 2;
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new NoteFormatError('checkpoint holds control characters');
  const { text, signatures } = unsigned ? { text: note.slice(0, -1), signatures: [] } : parseNote(note);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteFormatError('checkpoint text needs origin, tree size and root hash lines');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === '') throw new NoteFormatError('checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteFormatError(`checkpoint tree size ${JSON.stringify(sizeText)} is not a decimal without leading zeros`);
  }
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== HASH_SIZE || root.toString('base64') !== rootText) throw new NoteFormatError('checkpoint root hash is not base64 of 32 bytes');
  if (lines.slice(3).some((l) => l === '')) throw new NoteFormatError('checkpoint extension lines must be non-empty');
  return { origin, size: Number(sizeText), root, text, signatures };
}
