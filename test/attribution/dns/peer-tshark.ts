/**
 * Test support: the peer captures and their MANIFEST, with tshark as the
 * independent oracle that pulls transport payloads out of them (the project's
 * own capture readers are not used here, so these tests check the parsers alone).
 */
import { readFileSync } from 'node:fs';
import { tsharkFieldRows } from '../../support/tshark.js';
import { PEER_PCAP_DIR } from '../../support/fixture-paths.js';

export { hexBytes } from '../../support/tshark.js';

export const PEER_DIR = PEER_PCAP_DIR;

export interface ManifestDns {
  name: string;
  qtype: string;
  answers: string[];
  transport: string;
  server: string;
  frame: number;
}

export interface ManifestEntry {
  file: string;
  expected: {
    dns: ManifestDns[];
    http_host: string[];
    http_host_raw?: string[];
    http_host_ip_literal?: string[];
    flow_list?: string[];
  };
}

let manifest: ManifestEntry[] | undefined;

export function manifestEntry(file: string): ManifestEntry {
  manifest ??= JSON.parse(readFileSync(`${PEER_DIR}MANIFEST.json`, 'utf8')) as ManifestEntry[];
  const entry = manifest.find((e) => e.file === file);
  if (!entry) throw new Error(`${file} is not in the peer MANIFEST`);
  return entry;
}

/** Rows of `tshark -T fields` output, one array of field values per frame. */
export function tsharkFields(file: string, filter: string, fields: string[], options: string[] = []): string[][] {
  return tsharkFieldRows(`${PEER_DIR}${file}`, fields, { filter, args: options });
}
