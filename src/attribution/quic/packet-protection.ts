/**
 * Removes Initial packet protection (RFC 9001 5.3-5.4): AES-128-ECB header
 * protection mask, then AEAD_AES_128_GCM over the payload with the unmasked
 * header as associated data. Any failure is an answer, never an exception.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { found, invalid, type ParseResult } from '../../parse-result.js';
import type { PacketKeys } from './initial-secrets.js';
import type { LongHeader } from './long-header.js';

const SAMPLE_OFFSET = 4;
const SAMPLE_LEN = 16;
const TAG_LEN = 16;
const LONG_HEADER_FIRST_BYTE_MASK = 0x0f;

export interface OpenedPacket {
  packetNumber: number;
  payload: Uint8Array;
}

/** AES-ECB(hp, sample)[0..5]: the header protection mask. */
export function headerProtectionMask(hp: Uint8Array, sample: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-ecb', hp, null);
  cipher.setAutoPadding(false);
  return new Uint8Array(cipher.update(sample)).subarray(0, 5);
}

export function aeadNonce(iv: Uint8Array, packetNumber: number): Uint8Array {
  const nonce = Uint8Array.from(iv);
  let pn = packetNumber;
  for (let i = nonce.length - 1; i >= nonce.length - 8 && pn > 0; i--) {
    nonce[i]! ^= pn % 256;
    pn = Math.floor(pn / 256);
  }
  return nonce;
}

/** Unmasked header bytes (first byte .. end of packet number) and the packet number. */
export function removeHeaderProtection(
  datagram: Uint8Array,
  header: LongHeader,
  hp: Uint8Array,
): ParseResult<{ header: Uint8Array; packetNumber: number }> {
  const sampleStart = header.pnOffset + SAMPLE_OFFSET;
  if (sampleStart + SAMPLE_LEN > header.end) return invalid('packet_too_short');
  const mask = headerProtectionMask(hp, datagram.subarray(sampleStart, sampleStart + SAMPLE_LEN));
  const firstByte = datagram[header.start]! ^ (mask[0]! & LONG_HEADER_FIRST_BYTE_MASK);
  const pnLen = (firstByte & 0x03) + 1;
  const plain = Uint8Array.from(datagram.subarray(header.start, header.pnOffset + pnLen));
  plain[0] = firstByte;
  let packetNumber = 0;
  for (let i = 0; i < pnLen; i++) {
    const at = plain.length - pnLen + i;
    plain[at]! ^= mask[1 + i]!;
    packetNumber = packetNumber * 256 + plain[at]!;
  }
  return found({ header: plain, packetNumber });
}

export function openInitialPacket(
  datagram: Uint8Array,
  header: LongHeader,
  keys: PacketKeys,
): ParseResult<OpenedPacket> {
  const unmasked = removeHeaderProtection(datagram, header, keys.hp);
  if (unmasked.status !== 'found') return unmasked;
  const payloadStart = header.start + unmasked.value.header.length;
  if (payloadStart + TAG_LEN > header.end) return invalid('packet_too_short');
  const { packetNumber } = unmasked.value;
  try {
    const decipher = createDecipheriv('aes-128-gcm', keys.key, aeadNonce(keys.iv, packetNumber));
    decipher.setAAD(unmasked.value.header);
    decipher.setAuthTag(datagram.subarray(header.end - TAG_LEN, header.end));
    const head = decipher.update(datagram.subarray(payloadStart, header.end - TAG_LEN));
    const tail = decipher.final();
    return found({ packetNumber, payload: new Uint8Array(Buffer.concat([head, tail])) });
  } catch {
    // node:crypto reports a failed tag check by throwing; for us it is just an unreadable packet.
    return invalid('decrypt_failed');
  }
}
