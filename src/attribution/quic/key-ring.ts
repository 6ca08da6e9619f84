/**
 * Which Initial keys to try for a client packet. Keys come from the DCID of the
 * client's first Initial and stay the same after the client switches to the
 * server's connection ID (RFC 9001 5.2); after a Retry they come from the DCID
 * the client then chose, which is that packet's own. So try, in order: the DCID
 * whose keys last worked, the first DCID, the packet's own DCID. At most three
 * key sets are cached, so a flow cannot make us derive keys without bound.
 */
import { initialSecretsFor, type PacketKeys } from './initial-secrets.js';
import type { LongHeader } from './long-header.js';

export interface KeyCandidate {
  dcid: Uint8Array;
  keys: PacketKeys;
}

interface CachedKeys {
  version: number;
  dcid: Uint8Array;
  keys: PacketKeys;
}

const MAX_CACHED = 3;

export class InitialKeyRing {
  private original: Uint8Array | undefined;
  private working: Uint8Array | undefined;
  private cache: CachedKeys[] = [];

  candidates(header: LongHeader): KeyCandidate[] {
    this.original ??= Uint8Array.from(header.dcid);
    const dcids: Uint8Array[] = [];
    for (const d of [this.working, this.original, header.dcid]) {
      if (d && !dcids.some((seen) => sameBytes(seen, d))) dcids.push(d);
    }
    return dcids.map((dcid) => ({ dcid, keys: this.keysFor(header, dcid) }));
  }

  /** The keys from this DCID opened a packet: try them first from now on. */
  confirm(dcid: Uint8Array): void {
    this.working = Uint8Array.from(dcid);
  }

  private keysFor(header: LongHeader, dcid: Uint8Array): PacketKeys {
    const version = header.version.version;
    const hit = this.cache.find((k) => k.version === version && sameBytes(k.dcid, dcid));
    if (hit) return hit.keys;
    const keys = initialSecretsFor(header.version, dcid).client;
    this.cache = [{ version, dcid: Uint8Array.from(dcid), keys }, ...this.cache.slice(0, MAX_CACHED - 1)];
    return keys;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
