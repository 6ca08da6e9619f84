/**
 * What packets are kept as evidence, and the bounds on them (config keys
 * `evidence.*`, docs/evidence.md). Headers-only by default: the flight
 * tablet's payloads can hold officers' accounts and positions.
 */

/** `headers`: link, IP and transport headers (plus the DNS messages and ClientHello that named the flow, whole); `full`: whole frames; `none`: no slices. */
export type EvidencePackets = 'headers' | 'full' | 'none';
export const EVIDENCE_PACKET_MODES: readonly EvidencePackets[] = ['headers', 'full', 'none'];

export interface EvidenceOptions {
  packets: EvidencePackets;
  /** Bytes the in-memory ring of not-yet-alerted packets may hold (frames plus a fixed per-packet overhead). */
  ringBytes: number;
  /** Packet-time seconds a packet of a flow no alert has named stays in the ring. */
  ringSeconds: number;
  /** Bytes of slices the store keeps; past it the oldest stored packets are deleted. */
  storeMaxBytes: number;
  /** Packets stored per alerted flow (its DNS evidence not included); later ones are counted, not stored. */
  maxPacketsPerFlow: number;
}

export const DEFAULT_EVIDENCE_OPTIONS: EvidenceOptions = {
  packets: 'headers',
  ringBytes: 32 * 1024 * 1024,
  ringSeconds: 120,
  storeMaxBytes: 256 * 1024 * 1024,
  maxPacketsPerFlow: 10_000,
};
