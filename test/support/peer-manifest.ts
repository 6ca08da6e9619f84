import { readFileSync } from 'node:fs';
import { PEER_PCAP_DIR } from './fixture-paths.js';

/** The peer captures, copied into fixtures/peer-pcaps (see the README there). */
export const PEER_DIR = PEER_PCAP_DIR;

export interface ManifestDns {
  name: string;
  qtype: string;
  answers: string[];
  transport: string;
  server?: string;
}

export interface ManifestEntry {
  file: string;
  format: string;
  link_type: string;
  expected: {
    sni: string[];
    quic_sni: string[];
    http_host: string[];
    dns: ManifestDns[];
    flows: number;
    packets: number;
    flows_tcp: number;
    flows_udp: number;
    other_ip_conversations: number;
    flow_list?: string[];
    vlan_ids?: string[];
    http_host_ip_literal?: string[];
    disputed?: { field: string; value: string }[];
  };
  notes: string[];
}

export function loadManifest(): ManifestEntry[] {
  return JSON.parse(readFileSync(`${PEER_DIR}MANIFEST.json`, 'utf8')) as ManifestEntry[];
}
