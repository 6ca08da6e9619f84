/**
 * A stored checkpoint as an outgoing message, for delivery off the box like an
 * alert (the outbox sends kind 'checkpoint'): a copy held elsewhere is what
 * makes deleting or rewriting history on the box detectable.
 */
import type { OutgoingMessage } from '../delivery/transport.js';
import type { StoredCheckpoint } from './log-store.js';

export function checkpointMessage(cp: StoredCheckpoint): OutgoingMessage {
  const root = cp.root_hash.toString('base64');
  const record = {
    '@timestamp': cp.created_at,
    event: { kind: 'event', category: ['configuration'], type: ['info'], dataset: 'groundwatch.checkpoint' },
    groundwatch: {
      checkpoint: { tree_size: cp.tree_size, root_hash: root, signed: cp.signed_by !== null, signed_by: cp.signed_by, note: cp.note },
    },
  };
  return {
    // Receivers dedupe on it: one checkpoint per size and root (and signer).
    id: `checkpoint-${cp.tree_size}-${cp.root_hash.subarray(0, 8).toString('hex')}`,
    kind: 'checkpoint',
    severity: 'info',
    timestamp: cp.created_at,
    json: JSON.stringify(record),
    summary: { checkpoint_size: String(cp.tree_size), checkpoint_root: root, signed: cp.signed_by === null ? 'no' : 'yes' },
  };
}
