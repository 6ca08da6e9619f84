/**
 * The box's checkpoint key on disk, in one directory (`--key-dir`, config
 * `key_dir`, default /var/lib/groundwatch/keys):
 *
 *   checkpoint.key  PRIVATE+KEY+<name>+<id>+<seed>   mode 0600, the service user's only
 *   checkpoint.pub  <name>+<id>+<public key>          the verifier key, public
 *
 * Both are the text forms Go's golang.org/x/mod/sumdb/note reads.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GroundwatchError } from '../errors.js';
import { encodeSignerKey, encodeVerifierKey, generateSigner, NoteKeyError, parseSignerKey, type NoteSigner } from './note-keys.js';

export const DEFAULT_KEY_DIR = '/var/lib/groundwatch/keys';
export const PRIVATE_KEY_FILE = 'checkpoint.key';
export const PUBLIC_KEY_FILE = 'checkpoint.pub';

/** Creates the key pair; refuses to overwrite either file. */
export function createKeyPair(dir: string, name: string): NoteSigner {
  let signer: NoteSigner;
  try {
    signer = generateSigner(name);
  } catch (err) {
    throw new GroundwatchError('USAGE', `--name: ${(err as Error).message}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const priv = join(dir, PRIVATE_KEY_FILE);
  const pub = join(dir, PUBLIC_KEY_FILE);
  for (const f of [priv, pub]) {
    if (exists(f)) throw new GroundwatchError('KEY_EXISTS', `${f} exists; remove it first if you really mean to replace the box's key`);
  }
  writeNew(priv, `${encodeSignerKey(signer)}\n`, 0o600);
  writeNew(pub, `${encodeVerifierKey(signer)}\n`, 0o644);
  return signer;
}

/** The signer in `dir`; a missing, malformed or group/world-readable private key is refused. */
export function loadSigner(dir: string): NoteSigner {
  const path = join(dir, PRIVATE_KEY_FILE);
  let text: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      throw new GroundwatchError('KEY_INVALID', `${path} is readable by others (chmod 600 it, owned by the service user)`);
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof GroundwatchError) throw err;
    throw new GroundwatchError('KEY_INVALID', `no usable checkpoint key in ${dir}: ${(err as Error).message} (create one with \`groundwatch keys init --dir ${dir}\`)`);
  }
  try {
    return parseSignerKey(text);
  } catch (err) {
    if (err instanceof NoteKeyError) throw new GroundwatchError('KEY_INVALID', `${path}: ${err.message}`);
    throw err;
  }
}

export function hasPrivateKey(dir: string): boolean {
  return exists(join(dir, PRIVATE_KEY_FILE));
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** O_EXCL create with the mode set at creation (never a moment readable by others). */
function writeNew(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
