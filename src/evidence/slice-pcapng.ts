/** A stored slice as pcapng: each packet's comment names the alert and says what of it was kept. */
import { writePcapng, type SlicePacket } from './pcapng-writer.js';
import type { SliceRow } from './slice-store.js';

const CONTENT_TEXT: Record<SliceRow['content'], string> = {
  headers: 'headers only (payload cut)',
  full: 'whole frame',
  client_hello: 'ClientHello, kept whole (name evidence)',
  dns: 'DNS message, kept whole (name evidence)',
};

/** `application`: the shb_userappl text, e.g. `groundwatch 0.1.0`. */
export function slicePcapng(rows: readonly SliceRow[], alertId: string, what: string, application: string): Buffer {
  const packets: SlicePacket[] = rows.map((r) => ({
    tsSec: r.ts_sec,
    tsNsec: r.ts_nsec,
    linkType: r.link_type,
    data: r.data,
    origLen: r.orig_len,
    comment: `groundwatch alert ${alertId}; flow ${r.flow_uid}; ${CONTENT_TEXT[r.content]}`,
  }));
  // Whole frames: no limit of ours. Headers only: no packet holds more than the longest one kept.
  const longest = new Map<number, number>();
  let allFull = true;
  for (const r of rows) {
    longest.set(r.link_type, Math.max(longest.get(r.link_type) ?? 0, r.data.length));
    if (r.content !== 'full') allFull = false;
  }
  return writePcapng(packets, {
    application,
    comment: `groundwatch evidence for alert ${alertId}: ${what}`,
    snaplen: (linkType) => (allFull ? 0 : (longest.get(linkType) ?? 0)),
  });
}
