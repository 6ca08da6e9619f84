/**
 * QUIC versions whose Initial packets can be opened: each has its own salt
 * (RFC 9001 5.2, RFC 9369 3.3.1, the drafts' section 5.2), HKDF labels and
 * long-header packet type numbering (RFC 9369 3.2 renumbers them).
 */
export type LongPacketKind = 'initial' | '0rtt' | 'handshake' | 'retry';

export interface QuicVersionParams {
  version: number;
  name: string;
  salt: Uint8Array;
  keyLabel: string;
  ivLabel: string;
  hpLabel: string;
  /** Long-header type bits (0..3) in wire order, indexed by value. */
  packetKinds: readonly LongPacketKind[];
}

export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;

const SALT_V1 = '38762cf7f55934b34d179ae6a4c80cadccbb7f0a';
const SALT_V2 = '0dede3def700a6db819381be6e269dcbf9bd2ed9';
const SALT_DRAFT_23_TO_28 = 'c3eef712c72ebb5a11a7d2432bb46365bef9f502';
const SALT_DRAFT_29_TO_32 = 'afbfec289993d24c9e9786f19c6111e04390a899';

const V1_KINDS: readonly LongPacketKind[] = ['initial', '0rtt', 'handshake', 'retry'];
const V2_KINDS: readonly LongPacketKind[] = ['retry', 'initial', '0rtt', 'handshake'];

function params(version: number, name: string, saltHex: string, v2 = false): QuicVersionParams {
  const prefix = v2 ? 'quicv2' : 'quic';
  return {
    version,
    name,
    salt: Uint8Array.from(Buffer.from(saltHex, 'hex')),
    keyLabel: `${prefix} key`,
    ivLabel: `${prefix} iv`,
    hpLabel: `${prefix} hp`,
    packetKinds: v2 ? V2_KINDS : V1_KINDS,
  };
}

function draftSalt(draft: number): string {
  if (draft <= 28) return SALT_DRAFT_23_TO_28;
  if (draft <= 32) return SALT_DRAFT_29_TO_32;
  return SALT_V1; // drafts 33 and 34 already use the RFC 9001 salt
}

const TABLE = new Map<number, QuicVersionParams>([
  [QUIC_V1, params(QUIC_V1, 'QUICv1', SALT_V1)],
  [QUIC_V2, params(QUIC_V2, 'QUICv2', SALT_V2, true)],
]);
for (let draft = 27; draft <= 34; draft++) {
  const version = 0xff000000 + draft;
  TABLE.set(version, params(version, `draft-${draft}`, draftSalt(draft)));
}

export function quicVersionParams(version: number): QuicVersionParams | undefined {
  return TABLE.get(version);
}

/** Readable name for any version number (unknown ones as hex). */
export function quicVersionName(version: number): string {
  return TABLE.get(version)?.name ?? `0x${version.toString(16).padStart(8, '0')}`;
}
