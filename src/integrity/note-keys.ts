/**
 * Ed25519 keys in the signed-note formats (c2sp.org/signed-note, and the
 * text forms of golang.org/x/mod/sumdb/note that Go's checksum database and
 * transparency-dev tools read):
 *
 *   verifier key  <name>+<key ID, 8 hex>+base64(0x01 || 32-byte public key)
 *   signer key    PRIVATE+KEY+<name>+<key ID, 8 hex>+base64(0x01 || 32-byte seed)
 *
 * key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export const ED25519_TYPE = 0x01;

/** RFC 8410 DER prefixes: PKCS#8 private key and SPKI public key for Ed25519, followed by the 32 raw bytes. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Buffer;
  readonly key: KeyObject;
}

export interface NoteSigner extends NoteVerifier {
  readonly privateKey: KeyObject;
  readonly seed: Buffer;
}

export class NoteKeyError extends Error {}

/** Key names: non-empty, no Unicode space, no '+' (signed-note "Format"). */
export function checkKeyName(name: string): void {
  if (name === '' || /[\s+]/u.test(name)) throw new NoteKeyError(`key name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`);
}

export function keyId(name: string, publicKey: Uint8Array): number {
  const h = createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, ED25519_TYPE])).update(publicKey).digest();
  return h.readUInt32BE(0);
}

export function keyIdHex(id: number): string {
  return id.toString(16).padStart(8, '0');
}

export function generateSigner(name: string): NoteSigner {
  checkKeyName(name);
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return signerFromSeed(name, der.subarray(der.length - 32));
}

export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  checkKeyName(name);
  if (seed.length !== 32) throw new NoteKeyError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Buffer.from(spki.subarray(spki.length - 32));
  return { name, keyId: keyId(name, publicKey), publicKey, key: createPublicKey(privateKey), privateKey, seed: Buffer.from(seed) };
}

export function verifierFromPublicKey(name: string, publicKey: Uint8Array): NoteVerifier {
  checkKeyName(name);
  if (publicKey.length !== 32) throw new NoteKeyError('an Ed25519 public key is 32 bytes');
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  return { name, keyId: keyId(name, publicKey), publicKey: Buffer.from(publicKey), key };
}

export function encodeVerifierKey(v: NoteVerifier): string {
  return `${v.name}+${keyIdHex(v.keyId)}+${Buffer.concat([Buffer.from([ED25519_TYPE]), v.publicKey]).toString('base64')}`;
}

export function encodeSignerKey(s: NoteSigner): string {
  return `PRIVATE+KEY+${s.name}+${keyIdHex(s.keyId)}+${Buffer.concat([Buffer.from([ED25519_TYPE]), s.seed]).toString('base64')}`;
}

/** Parses a verifier key; the key ID it states must be the one its name and key give. */
export function parseVerifierKey(text: string): NoteVerifier {
  const parts = splitKey(text.trim());
  if (!parts) throw new NoteKeyError('a verifier key is <name>+<8 hex>+<base64 key>');
  const [name, idHex, data] = parts;
  const raw = decodeKeyData(data);
  const verifier = verifierFromPublicKey(name, raw);
  if (!/^[0-9a-f]{8}$/.test(idHex) || keyIdHex(verifier.keyId) !== idHex) throw new NoteKeyError(`key ID ${idHex} does not match the key and name`);
  return verifier;
}

export function parseSignerKey(text: string): NoteSigner {
  const trimmed = text.trim();
  const parts = trimmed.startsWith('PRIVATE+KEY+') ? splitKey(trimmed.slice('PRIVATE+KEY+'.length)) : undefined;
  if (!parts) throw new NoteKeyError('a signer key is PRIVATE+KEY+<name>+<8 hex>+<base64 seed>');
  const [name, idHex, data] = parts;
  const signer = signerFromSeed(name, decodeKeyData(data));
  if (keyIdHex(signer.keyId) !== idHex) throw new NoteKeyError(`key ID ${idHex} does not match the key and name`);
  return signer;
}

/** SHA-256 of the raw public key, in groups of four hex digits: what the unit keeps on paper. */
export function fingerprint(v: NoteVerifier): string {
  const hex = createHash('sha256').update(v.publicKey).digest('hex');
  return hex.match(/.{4}/g)?.join(' ') ?? hex;
}

/** name+hash+data, split at the first two '+' (base64 data may itself hold '+'). */
function splitKey(text: string): [string, string, string] | undefined {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return undefined;
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

function decodeKeyData(data: string): Buffer {
  if (!/^[A-Za-z0-9+/]+=*$/.test(data)) throw new NoteKeyError('key data is not base64');
  const raw = Buffer.from(data, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519_TYPE) throw new NoteKeyError('key data is not 0x01 followed by 32 bytes (Ed25519)');
  return raw.subarray(1);
}
