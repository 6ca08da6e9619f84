/**
 * Turns the paths a user gave into the capture files to read: files as given,
 * directories expanded (recursively, sorted) to the files in them that are
 * captures. Symlinked directories are not followed, so a link loop cannot
 * make expansion endless.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GroundwatchError, isGroundwatchError } from '../errors.js';
import type { CaptureFileSpec } from './file-source.js';
import { inspectCaptureFile, statInput } from './inspect.js';

export async function resolveCaptureFiles(paths: string[]): Promise<CaptureFileSpec[]> {
  if (paths.length === 0) throw new GroundwatchError('INPUT_NOT_FOUND', 'no capture file given');
  const specs: CaptureFileSpec[] = [];
  for (const path of paths) {
    const st = await statInput(path);
    if (st.isDirectory()) specs.push(...(await capturesInDirectory(path)));
    else specs.push(await inspectCaptureFile(path, st));
  }
  return specs;
}

async function capturesInDirectory(dir: string): Promise<CaptureFileSpec[]> {
  const files = (await listFiles(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const specs: CaptureFileSpec[] = [];
  for (const file of files) {
    const spec = await inspectIfCapture(file);
    if (spec) specs.push(spec);
  }
  if (specs.length === 0) throw new GroundwatchError('INPUT_NOT_FOUND', `${dir}: directory holds no pcap, pcapng or gzip capture files`);
  return specs;
}

/** Files that are not captures at all are left out; broken captures still fail loudly. */
async function inspectIfCapture(file: string): Promise<CaptureFileSpec | undefined> {
  try {
    return await inspectCaptureFile(file);
  } catch (err) {
    if (isGroundwatchError(err) && (err.code === 'INPUT_NOT_A_CAPTURE' || err.code === 'INPUT_EMPTY')) return undefined;
    throw err;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new GroundwatchError('INPUT_UNREADABLE', `${dir}: cannot list directory (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
    else if (entry.isSymbolicLink() && (await isRegularFile(path))) files.push(path);
  }
  return files;
}

async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false; // a dangling link in a directory is not an input the user named
  }
}
