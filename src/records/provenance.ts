/**
 * Which run and which capture file (and packet in it) a record came from:
 * `groundwatch.run_id`, `groundwatch.capture.file`, `groundwatch.capture.packet`.
 * The packet number is 1-based, as tshark and Wireshark number frames, so
 * `tshark -r <file> -Y frame.number==<packet>` shows it. A flow (and an alert
 * raised on a flow) names the flow's first packet; a DNS record (and a DNS
 * query alert) the packet that carried the message. Live capture has no file:
 * records then carry the run id only.
 */
import type { PacketOrigin } from '../types.js';

/** Shared by the pipeline and the judge of one run; `files` is filled once the inputs are open. */
export interface RunProvenance {
  runId?: string;
  /** Capture file paths by RawPacket.sourceIndex. */
  files: readonly string[];
}

export interface CaptureFields {
  file: string;
  packet: number;
}

export interface ProvenanceFields {
  run_id?: string;
  capture?: CaptureFields;
}

export function provenanceFields(run: RunProvenance | undefined, origin: PacketOrigin | undefined): ProvenanceFields {
  const fields: ProvenanceFields = {};
  if (run?.runId) fields.run_id = run.runId;
  const file = origin === undefined ? undefined : run?.files[origin.sourceIndex];
  if (origin !== undefined && file !== undefined) fields.capture = { file, packet: origin.packetNumber };
  return fields;
}
