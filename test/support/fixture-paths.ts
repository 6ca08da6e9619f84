/**
 * Where the third-party test data lives: inside the repository, under fixtures/,
 * so a fresh clone runs the whole suite (nothing is read from outside the tree).
 * fixtures/peer-pcaps/README.md and fixtures/geoip-test/README.md say where each
 * file comes from and under which licence.
 */
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));
/** Peer projects' captures (Suricata-verify, Zeek, Arkime, nDPI, tcpdump, pcapng-test-generator) and MANIFEST.json. Ends in '/'. */
export const PEER_PCAP_DIR = fileURLToPath(new URL('../../fixtures/peer-pcaps/', import.meta.url));
/** MaxMind-DB's fake test databases; their README's lookup table is the oracle. No trailing '/'. */
export const MAXMIND_TEST_DIR = fileURLToPath(new URL('../../fixtures/geoip-test', import.meta.url));
