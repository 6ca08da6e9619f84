/**
 * The Standard Webhooks signing secret: read from a file or an environment
 * variable, never from the command line or the URL (both end up in `ps`,
 * shell history and logs). The convention is `whsec_` + base64 of the key
 * bytes; the reference library also accepts the bare base64, so do we.
 */
import { readFileSync } from 'node:fs';
import { GroundwatchError } from '../errors.js';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SecretSource {
  readonly secretFile?: string | undefined;
  readonly secretEnv?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/** The key bytes, or undefined when no source is configured. */
export function readWebhookSecret(source: SecretSource): Buffer | undefined {
  if (source.secretFile !== undefined && source.secretEnv !== undefined) {
    throw new GroundwatchError('USAGE', 'webhook destination: give secret_file or secret_env, not both');
  }
  if (source.secretFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(source.secretFile, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new GroundwatchError('USAGE', `webhook secret_file ${source.secretFile} cannot be read (${reason})`);
    }
    return decodeSecret(text, `secret_file ${source.secretFile}`);
  }
  if (source.secretEnv !== undefined) {
    const text = source.env[source.secretEnv];
    if (text === undefined || text.trim() === '') {
      throw new GroundwatchError('USAGE', `webhook secret_env ${source.secretEnv}: that environment variable is not set or empty`);
    }
    return decodeSecret(text, `secret_env ${source.secretEnv}`);
  }
  return undefined;
}

/** `whsec_<base64>` or `<base64>` (surrounding whitespace, e.g. a file's final newline, ignored) to key bytes. */
export function decodeSecret(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const base64 = trimmed.startsWith(PREFIX) ? trimmed.slice(PREFIX.length) : trimmed;
  if (!BASE64.test(base64) || base64.length % 4 !== 0) {
    throw new GroundwatchError('USAGE', `webhook ${where}: the secret is not whsec_ followed by base64`);
  }
  const key = Buffer.from(base64, 'base64');
  if (key.length < 16) {
    throw new GroundwatchError('USAGE', `webhook ${where}: the secret is ${key.length} bytes; use at least 16 (Standard Webhooks suggests 24 to 64)`);
  }
  return key;
}
