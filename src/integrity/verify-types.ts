/** What `verify` found: every problem names the entry, row or checkpoint it is about. */

export type ProblemKind = 'numbering' | 'entry' | 'row_changed' | 'row_deleted' | 'row_not_logged' | 'checkpoint' | 'truncated' | 'signature' | 'consistency' | 'external';

export interface Problem {
  readonly kind: ProblemKind;
  /** The log entry concerned (0-based index), when one is. */
  readonly entry?: number;
  /** The stored checkpoint (its rowid) or external checkpoint (its file name) concerned. */
  readonly checkpoint?: number | string;
  readonly message: string;
}

export type SignatureStatus = 'valid' | 'unsigned' | 'not_by_key' | 'bad_signature' | 'not_checked';

export interface CheckpointResult {
  readonly id: number | string;
  readonly size: number;
  readonly root: string;
  readonly signature: SignatureStatus;
  /** Its root is the root of the log's first `size` entries. */
  readonly matches: boolean;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly store: string;
  readonly entries: number;
  /** Entries whose content is only in the log: an alert written again later (its row now holds the newer content). */
  readonly superseded: number;
  /** Rows the store held before it had a log (listed when the log was added): not covered. */
  readonly baseline: number;
  /** Logged rows deleted by retention, as a later retention entry says. */
  readonly retired: number;
  /** Where signatures were checked against: the key given (--key), the key recorded in the store (proves nothing alone), or none. */
  readonly key: { readonly source: 'given' | 'recorded' | 'none'; readonly verifierKey?: string };
  readonly checkpoints: readonly CheckpointResult[];
  readonly external: readonly CheckpointResult[];
  /** Entries [0, size) proven: their tree head is in a checkpoint signed by the given key (or external) and every check held. */
  readonly verifiedRange: { readonly first: number; readonly last: number; readonly by: string } | null;
  readonly notes: readonly string[];
  readonly problems: readonly Problem[];
}
