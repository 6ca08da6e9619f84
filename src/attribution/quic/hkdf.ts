/**
 * HKDF (RFC 5869) with SHA-256 and TLS 1.3's HKDF-Expand-Label (RFC 8446 7.1),
 * the only key schedule QUIC Initial packets need.
 */
import { createHmac } from 'node:crypto';

const HASH = 'sha256';
const HASH_LEN = 32;

export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(HASH, salt).update(ikm).digest());
}

export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let filled = 0, counter = 1; filled < length; counter++) {
    const block = createHmac(HASH, prk).update(previous).update(info).update(Uint8Array.of(counter)).digest();
    out.set(block.subarray(0, Math.min(HASH_LEN, length - filled)), filled);
    filled += HASH_LEN;
    previous = new Uint8Array(block);
  }
  return out;
}

/** struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } HkdfLabel */
export function hkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const out = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
  out[0] = length >> 8;
  out[1] = length & 0xff;
  out[2] = fullLabel.length;
  out.set(fullLabel, 3);
  out[3 + fullLabel.length] = context.length;
  out.set(context, 4 + fullLabel.length);
  return out;
}

export function hkdfExpandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  return hkdfExpand(secret, hkdfLabel(label, context, length), length);
}
