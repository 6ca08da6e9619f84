/**
 * `groundwatch verify --bundle <dir> [--key <pub>] [--format text|json]`: checks
 * an evidence bundle offline (src/evidence/bundle-verify.ts). Exit 0 when every
 * check holds, 1 when one fails (a finding, not an error: each failing file is
 * named, and one `groundwatch verify: FAILED:` line), 2 when it is not a bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { checkLogPart } from '../evidence/bundle-log-check.js';
import { verifyBundle, verdictText } from '../evidence/bundle-verify.js';
import { GroundwatchError } from '../errors.js';
import { parseVerifierKey, type NoteVerifier } from '../integrity/index.js';
import { printErrLine, printOut } from './print.js';

export interface VerifyBundleFlags {
  key?: string;
  format?: string;
}

export async function runVerifyBundle(dir: string, flags: VerifyBundleFlags, stdout: (text: string) => void = printOut): Promise<number> {
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new GroundwatchError('USAGE', `--format: expected text or json, got ${JSON.stringify(format)}`);
  const verifier = flags.key !== undefined ? readVerifierKey(flags.key) : undefined;
  const verdict = await verifyBundle(dir, { ...(verifier ? { verifier } : {}), checkLog: checkLogPart });
  if (format === 'json') stdout(`${JSON.stringify(verdict)}\n`);
  else stdout(verdictText(verdict));
  if (verdict.ok) return 0;
  const files = [...new Set(verdict.checks.filter((c) => !c.ok).map((c) => c.file))];
  printErrLine(`groundwatch verify: FAILED: bundle ${dir}: ${files.join(', ')} failed verification`);
  return 1;
}

/** The box's public key: verifier key text (`name+id+base64`), or a file holding it. */
function readVerifierKey(value: string): NoteVerifier {
  const text = existsSync(value) ? readFileSync(value, 'utf8') : value;
  try {
    return parseVerifierKey(text.trim());
  } catch (err) {
    throw new GroundwatchError('KEY_INVALID', `--key: ${(err as Error).message}`);
  }
}
