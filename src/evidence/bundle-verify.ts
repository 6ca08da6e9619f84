/**
 * Checks an evidence bundle on its own, offline: every file against the
 * manifest's SHA-256 (and no file the manifest does not list), then the log
 * part when present (the alert entry's leaf hash, the inclusion proof against
 * the checkpoint's root, the checkpoint's signature with the key given).
 * Each check names the file it is about. Bad input (no bundle there) throws
 * BUNDLE_INVALID; a failed check is a result, not an exception.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GroundwatchError } from '../errors.js';
import type { NoteVerifier } from '../integrity/index.js';
import { BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_VERSION, isPlainFileName, MANIFEST_FILE, sha256Hex, type Manifest } from './bundle-manifest.js';
import { alertRecordOf, checkSlice } from './slice-check.js';

export interface BundleCheck {
  check: string;
  file: string;
  ok: boolean;
  detail: string;
}

export interface BundleVerdict {
  bundle: string;
  alertId: string;
  ok: boolean;
  checks: BundleCheck[];
}

/** Checks of the log part, given the bundle's files (src/evidence/bundle-log-check.ts). */
export type LogPartCheck = (read: (name: string) => Buffer | undefined, manifest: Manifest, verifier: NoteVerifier | undefined) => BundleCheck[];

/** Files larger than this are not read: a bundle holds one flow's slice, not a capture. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

export async function verifyBundle(dir: string, opts: { verifier?: NoteVerifier; checkLog?: LogPartCheck } = {}): Promise<BundleVerdict> {
  const manifest = readManifest(dir);
  const checks: BundleCheck[] = [];
  const contents = new Map<string, Buffer>();
  for (const f of manifest.files) {
    const bytes = readBundleFile(dir, f.name);
    if (bytes === undefined) {
      checks.push({ check: 'sha256', file: f.name, ok: false, detail: 'listed in the manifest but missing' });
      continue;
    }
    const actual = sha256Hex(bytes);
    const ok = actual === f.sha256 && bytes.length === f.bytes;
    checks.push({ check: 'sha256', file: f.name, ok, detail: ok ? `sha256 ${actual}` : `sha256 ${actual} (${bytes.length} bytes), manifest says ${f.sha256} (${f.bytes} bytes)` });
    if (ok) contents.set(f.name, bytes);
  }
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const name of readdirSync(dir)) {
    if (name !== MANIFEST_FILE && !listed.has(name)) checks.push({ check: 'listed', file: name, ok: false, detail: 'in the bundle but not in the manifest' });
  }
  if (!manifest.log.included) {
    // Said, not failed: a bundle from a store without a log (or before its first checkpoint) is still a bundle.
    checks.push({ check: 'log', file: MANIFEST_FILE, ok: true, detail: `no log proof in this bundle (${String(manifest.log.reason)}): its files are checked against the manifest only` });
  } else {
    if (opts.checkLog === undefined) {
      checks.push({ check: 'log', file: MANIFEST_FILE, ok: false, detail: 'the bundle has a log proof but this groundwatch cannot check it' });
    } else {
      // Only files whose hash matched are handed on: a changed file is reported once, by name, above.
      checks.push(...opts.checkLog((name) => contents.get(name), manifest, opts.verifier));
    }
  }
  const alertBytes = contents.get(BUNDLE_FILES.alert);
  const alert = alertBytes === undefined ? undefined : alertRecordOf(alertBytes);
  if (alertBytes !== undefined && alert === undefined) checks.push({ check: 'entry', file: BUNDLE_FILES.alert, ok: false, detail: 'holds no alert record' });
  if (alert !== undefined && contents.has(BUNDLE_FILES.packets)) checks.push(await checkSlice(join(dir, BUNDLE_FILES.packets), alert));
  return { bundle: dir, alertId: manifest.alert_id, ok: checks.every((c) => c.ok), checks };
}

function readManifest(dir: string): Manifest {
  let text: string;
  try {
    if (!statSync(dir).isDirectory()) throw new GroundwatchError('BUNDLE_INVALID', `${dir}: not a directory (a bundle is the directory alerts export wrote)`);
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    if (err instanceof GroundwatchError) throw err;
    throw new GroundwatchError('BUNDLE_INVALID', `${dir}: no readable ${MANIFEST_FILE} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new GroundwatchError('BUNDLE_INVALID', `${dir}/${MANIFEST_FILE}: not JSON`);
  }
  if (m === null || typeof m !== 'object' || m.format !== BUNDLE_FORMAT || m.version !== BUNDLE_VERSION) {
    throw new GroundwatchError('BUNDLE_INVALID', `${dir}/${MANIFEST_FILE}: not a ${BUNDLE_FORMAT} version ${BUNDLE_VERSION} manifest`);
  }
  if (!Array.isArray(m.files) || typeof m.alert_id !== 'string' || m.log === null || typeof m.log !== 'object') {
    throw new GroundwatchError('BUNDLE_INVALID', `${dir}/${MANIFEST_FILE}: files, alert_id or log missing`);
  }
  for (const f of m.files) {
    if (!isPlainFileName(f?.name) || typeof f.sha256 !== 'string' || !Number.isSafeInteger(f.bytes)) {
      throw new GroundwatchError('BUNDLE_INVALID', `${dir}/${MANIFEST_FILE}: file entry ${JSON.stringify(f?.name)} is not a plain file name with sha256 and bytes`);
    }
  }
  return m as Manifest;
}

function readBundleFile(dir: string, name: string): Buffer | undefined {
  try {
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export function verdictText(v: BundleVerdict): string {
  const lines = v.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.check.padEnd(9)} ${c.file}: ${c.detail}`);
  const failed = v.checks.filter((c) => !c.ok);
  lines.push(failed.length === 0 ? `bundle for alert ${v.alertId}: verified (${v.checks.length} checks)` : `bundle for alert ${v.alertId}: ${failed.length} check(s) failed: ${[...new Set(failed.map((c) => c.file))].join(', ')}`);
  return `${lines.join('\n')}\n`;
}
