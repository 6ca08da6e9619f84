/**
 * The bundle's manifest (manifest.json): every other file with its SHA-256
 * and size, what the packet slice holds, and whether the alert's log entry,
 * inclusion proof and checkpoint are included. The verifier trusts nothing
 * else in it: file names are checked to be plain names inside the bundle.
 */
import { createHash } from 'node:crypto';

export const BUNDLE_FORMAT = 'groundwatch-evidence-bundle';
export const BUNDLE_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export const BUNDLE_FILES = {
  alert: 'alert.json',
  flow: 'flow.json',
  dns: 'dns.ndjson',
  run: 'run.json',
  packets: 'packets.pcapng',
  dnsPackets: 'dns-messages.pcapng',
  proof: 'inclusion-proof.json',
  checkpoint: 'checkpoint.txt',
} as const;

export interface ManifestFile {
  name: string;
  sha256: string;
  bytes: number;
  what: string;
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  alert_id: string;
  flow_uid: string;
  created_at: string;
  tool_version: string;
  packets: {
    /** The store's evidence.packets setting is not recorded per packet; this is what the slice holds. */
    flow_packets_in_slice: number;
    /** source.packets + destination.packets of the flow record (absent while the flow is open). */
    flow_packets_recorded?: number;
    dns_messages: number;
    content: Record<string, number>;
  };
  /** The alert's log entry and its proof, or why they are missing. */
  log: { included: true; tree_size: number; entries: { file: string; kind: string; entry_index: number }[] } | { included: false; reason: string };
  files: ManifestFile[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A manifest entry names a plain file inside the bundle: no directories, no `..`, no hidden tricks. */
export function isPlainFileName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) && name !== MANIFEST_FILE;
}
