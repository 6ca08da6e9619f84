import { quicVersionParams } from './versions.js';

const LONG_HEADER_AND_FIXED_BIT = 0xc0;

/** Long header, fixed bit set, a version we can open, and the Initial packet type for it. */
export function looksLikeQuicInitial(udpPayload: Uint8Array): boolean {
  if (udpPayload.length < 7) return false;
  const first = udpPayload[0]!;
  if ((first & LONG_HEADER_AND_FIXED_BIT) !== LONG_HEADER_AND_FIXED_BIT) return false;
  const version =
    ((udpPayload[1]! << 24) >>> 0) + ((udpPayload[2]! << 16) | (udpPayload[3]! << 8) | udpPayload[4]!);
  const params = quicVersionParams(version);
  return params !== undefined && params.packetKinds[(first >> 4) & 0x03] === 'initial';
}
