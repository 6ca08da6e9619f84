/** The peer captures and their MANIFEST (expectations derived with tshark 4.0.17). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Counters } from '../../src/counters.js';
import type { RawPacket } from '../../src/types.js';
import { openCaptureFiles } from '../../src/capture/open-files.js';

import { PEER_PCAP_DIR } from '../support/fixture-paths.js';

export const PEER_DIR = PEER_PCAP_DIR;

export interface ManifestEntry {
  file: string;
  sha256: string;
  size: number;
  format: string;
  link_type: string;
  expected: {
    packets: number;
    first_ts_epoch: string;
    last_ts_epoch: string;
    ts_epoch_all?: string[];
    frames_caplen_lt_len?: number;
    pcapng_interfaces_used?: string[];
  };
}

/** MANIFEST link_type names as LINKTYPE_* numbers (tcpdump.org/linktypes.html). */
export const LINKTYPE_BY_NAME: Record<string, number> = { ether: 1, null: 0, 'linux-sll': 113, 'linux-sll2': 276, rawip: 101, rawip4: 228 };

export const manifest = JSON.parse(readFileSync(join(PEER_DIR, 'MANIFEST.json'), 'utf8')) as ManifestEntry[];

export async function readAll(path: string) {
  const counters = new Counters();
  const warnings: string[] = [];
  const input = await openCaptureFiles([path], { counters, onWarning: (code, msg) => warnings.push(`${code} ${msg}`) });
  const packets: RawPacket[] = [];
  for await (const batch of input.batches()) packets.push(...batch);
  return { packets, info: input.files[0]!, warnings, counters };
}

