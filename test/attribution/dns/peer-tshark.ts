/**
 * Test support: the peer captures and their MANIFEST, with tshark as the
 * independent oracle that pulls transport payloads out of them (the project's
 * own capture readers are not used here, so these tests check the parsers alone).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PEER_DIR = fileURLToPath(new URL('../../../../shared/peer-pcaps/', import.meta.url));

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
  const args = ['-r', `${PEER_DIR}${file}`, ...options, '-Y', filter, '-T', 'fields', '-E', 'separator=\t'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/:/g, ''), 'hex'));
}
