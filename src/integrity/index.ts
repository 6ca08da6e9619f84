/**
 * The integrity log's public API (docs/integrity.md): RFC 9162 Merkle tree and
 * proofs, C2SP checkpoints and signed notes, the log store.
 */
export { leafHash, nodeHash, rootOf, inclusionProof, verifyInclusion, consistencyProof, verifyConsistency, type Hash } from './merkle.js';
export { checkpointText, formatCheckpoint, parseCheckpoint, type Checkpoint, type ParsedCheckpoint } from './checkpoint.js';
export { parseNote, signNote, verifyNote, type ParsedNote } from './signed-note.js';
export { encodeVerifierKey, fingerprint, parseVerifierKey, parseSignerKey, type NoteSigner, type NoteVerifier } from './note-keys.js';
export { canonicalJson } from './canonical-json.js';
export { entryBytes, readRow, type EntryKind } from './entries.js';
export {
  entryIndexForAlert,
  inclusionProofFor,
  consistencyProofFor,
  latestCheckpoint,
  storedCheckpoints,
  logSize,
  type InclusionProof,
  type LogEntry,
  type StoredCheckpoint,
} from './log-store.js';
export { checkpointMessage } from './checkpoint-message.js';
export { IntegrityLog } from './integrity-log.js';
