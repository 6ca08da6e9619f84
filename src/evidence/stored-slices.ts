/**
 * The stored packets of one flow in one role, in capture order, whichever form the store
 * holds them in: schema 7's rows of one packet each (a store written before schema 10),
 * then schema 10's packed blocks (evidence/slice-pack.ts). A flow's packets are in one
 * form or the other; the per-packet rows are older when both are there.
 */
import { GroundwatchError } from '../errors.js';
import type { StoreDb } from '../sinks/sqlite-store.js';
import { CorruptBlockError, unpackSlices } from './slice-pack.js';
import type { SliceRole, SliceRow } from './slice-store.js';

interface StoredBlock {
  rowid: number;
  run_id: string | null;
  packets: number;
  raw_bytes: number;
  data: unknown;
}

export function storedSlice(db: StoreDb, flowUid: string, role: SliceRole): SliceRow[] {
  const rows = db
    .prepare('SELECT flow_uid, role, run_id, ts_sec, ts_nsec, link_type, orig_len, content, data FROM evidence_packets WHERE flow_uid = ? AND role = ? ORDER BY rowid')
    .all(flowUid, role) as SliceRow[];
  const blocks = db.prepare('SELECT rowid, run_id, packets, raw_bytes, data FROM evidence_blocks WHERE flow_uid = ? AND role = ? ORDER BY rowid').all(flowUid, role) as StoredBlock[];
  for (const b of blocks) {
    for (const s of unpackStored(b, flowUid, role)) rows.push({ flow_uid: flowUid, role, run_id: b.run_id, ...s });
  }
  return rows;
}

function unpackStored(b: StoredBlock, flowUid: string, role: SliceRole) {
  try {
    if (!(b.data instanceof Uint8Array)) throw new CorruptBlockError(`its data is ${b.data === null ? 'NULL' : typeof b.data}, not a blob`);
    return unpackSlices(b.data, b.raw_bytes, b.packets);
  } catch (err) {
    if (!(err instanceof CorruptBlockError)) throw err;
    throw new GroundwatchError('EVIDENCE_CORRUPT', `evidence_blocks row ${b.rowid} (flow ${flowUid}, ${role} packets) is damaged: ${err.message}`);
  }
}
