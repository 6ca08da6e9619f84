/**
 * TLS files to the options node:tls and node:https take. Files are read on
 * each new connection, so a renewed certificate is used without a restart;
 * createTransport checks them once up front so a typo fails at start-up.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { GroundwatchError } from '../../errors.js';
import type { TlsFiles } from '../destination.js';

export function tlsConnectionOptions(files: TlsFiles): ConnectionOptions {
  return {
    ...(files.ca !== undefined ? { ca: readFileSync(files.ca) } : {}),
    ...(files.cert !== undefined ? { cert: readFileSync(files.cert) } : {}),
    ...(files.key !== undefined ? { key: readFileSync(files.key) } : {}),
    ...(files.servername !== undefined ? { servername: files.servername } : {}),
    // Never off: a destination that cannot be verified is a configuration error, not something to skip.
    rejectUnauthorized: true,
  };
}

/** Fails with one clear line when a configured TLS file cannot be read. */
export function checkTlsFiles(label: string, files: TlsFiles | undefined): void {
  if (!files) return;
  for (const name of ['ca', 'cert', 'key'] as const) {
    const path = files[name];
    if (path === undefined) continue;
    try {
      readFileSync(path);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new GroundwatchError('USAGE', `--deliver ${label}: ${name} file ${path} cannot be read (${reason})`);
    }
  }
}
