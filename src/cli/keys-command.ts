/**
 * `groundwatch keys init --dir <dir>`: the box's checkpoint key pair. Prints
 * the verifier key and its fingerprint for the unit to keep on paper; the
 * private key file is mode 0600 and owned by whoever runs this (chown it to
 * the service user: docs/integrity.md).
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { createKeyPair, DEFAULT_KEY_DIR, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from '../integrity/key-files.js';
import { encodeVerifierKey, fingerprint } from '../integrity/note-keys.js';
import { printOut } from './print.js';

export function defaultKeyName(): string {
  // Key names may not hold spaces or '+'; a host name never has spaces, '+' is replaced to be sure.
  return `groundwatch/${hostname().replace(/[\s+]/g, '-') || 'box'}`;
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('the key that signs integrity checkpoints');
  keys
    .command('init')
    .description(
      `Creates an Ed25519 key pair in <dir> (${PRIVATE_KEY_FILE}, mode 0600; ${PUBLIC_KEY_FILE}); refuses to overwrite. ` +
        'Prints the public (verifier) key and its fingerprint: keep both off the box, e.g. on paper.',
    )
    .option('--dir <dir>', 'key directory', DEFAULT_KEY_DIR)
    .option('--name <name>', 'key name, also the checkpoints\' origin line (default groundwatch/<host name>)')
    .action((flags: { dir: string; name?: string }) => {
      const signer = createKeyPair(flags.dir, flags.name ?? defaultKeyName());
      printOut(
        `created   ${flags.dir}/${PRIVATE_KEY_FILE} (private, mode 0600) and ${flags.dir}/${PUBLIC_KEY_FILE}\n` +
          `public    ${encodeVerifierKey(signer)}\n` +
          `fingerprint (SHA-256 of the public key)\n          ${fingerprint(signer)}\n` +
          `next      chown -R groundwatch: ${flags.dir}   (the service user must own the private key)\n`,
      );
    });
}
