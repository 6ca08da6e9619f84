/**
 * `groundwatch verify --bundle <dir> [--key <pub>] [--format text|json]`: checks
 * an evidence bundle offline (src/evidence/bundle-verify.ts). Exit 0 when every
 * check holds, 1 when one fails (each failing file named, and one
 * BUNDLE_TAMPERED line), 2 when the path is not a bundle.
 */
import { verifyBundle, verdictText, type LogPartCheck } from '../evidence/bundle-verify.js';
import { GroundwatchError } from '../errors.js';
import { printErrLine, printOut } from './print.js';

export interface VerifyBundleFlags {
  key?: string;
  format?: string;
}

export function runVerifyBundle(dir: string, flags: VerifyBundleFlags, checkLog: LogPartCheck | undefined, stdout: (text: string) => void = printOut): number {
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new GroundwatchError('USAGE', `--format: expected text or json, got ${JSON.stringify(format)}`);
  const verdict = verifyBundle(dir, { ...(flags.key !== undefined ? { publicKey: flags.key } : {}), ...(checkLog ? { checkLog } : {}) });
  if (format === 'json') stdout(`${JSON.stringify(verdict)}\n`);
  else stdout(verdictText(verdict));
  if (verdict.ok) return 0;
  const files = [...new Set(verdict.checks.filter((c) => !c.ok).map((c) => c.file))];
  printErrLine(new GroundwatchError('BUNDLE_TAMPERED', `${dir}: ${files.join(', ')} failed verification`).toLine());
  return 1;
}
