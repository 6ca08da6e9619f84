/**
 * Which Initial keys to try for a client packet. Keys come from the DCID of the
 * client's first Initial and stay the same after the client switches to the
 * server's connection ID (RFC 9001 5.2); after a Retry they come from the new
 * DCID, which is the packet's own. So: the first DCID's keys, then the packet's.
 * Two key sets at most, so a flow cannot make us derive keys without bound.
 */
import { initialSecretsFor, type PacketKeys } from './initial-secrets.js';
import type { LongHeader } from './long-header.js';

interface CachedKeys {
  version: number;
  dcidHex: string;
  keys: PacketKeys;
}

export class InitialKeyRing {
  private original: Uint8Array | undefined;
  private readonly cache: CachedKeys[] = [];

  candidates(header: LongHeader): PacketKeys[] {
    this.original ??= Uint8Array.from(header.dcid);
    const out = [this.keysFor(header, this.original)];
    if (!sameBytes(header.dcid, this.original)) out.push(this.keysFor(header, header.dcid));
    return out;
  }

  private keysFor(header: LongHeader, dcid: Uint8Array): PacketKeys {
    const dcidHex = Buffer.from(dcid).toString('hex');
    const hit = this.cache.find((k) => k.version === header.version.version && k.dcidHex === dcidHex);
    if (hit) return hit.keys;
    const keys = initialSecretsFor(header.version, dcid).client;
    // Slot 0 keeps the original DCID's keys; slot 1 holds the latest other DCID.
    if (this.cache.length >= 2) this.cache.pop();
    this.cache.push({ version: header.version.version, dcidHex, keys });
    return keys;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
