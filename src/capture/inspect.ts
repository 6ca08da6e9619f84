/**
 * Validation of one capture path before anything is read in earnest: it
 * exists, is readable, is not empty and starts like a capture. Bad input
 * fails here, fast, with a stable error code naming the file.
 */
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Counters } from '../counters.js';
import { GroundwatchError } from '../errors.js';
import { minimumHeaderBytes, sniffFormat } from './format.js';
import { createParser, unreadable, type CaptureFileSpec } from './file-source.js';
import { GzipDamage } from './gzip-damage.js';

/** Content read up front: enough for the header and, usually, the first packet. */
const HEAD_BYTES = 64 * 1024;

export async function statInput(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new GroundwatchError('INPUT_NOT_FOUND', `${path}: no such file or directory`);
    throw unreadable(path, err);
  }
}

/** Check one file and learn its format; throws GroundwatchError when it is not a usable capture. */
export async function inspectCaptureFile(path: string, stats?: Stats): Promise<CaptureFileSpec> {
  const st = stats ?? (await statInput(path));
  if (!st.isFile()) throw new GroundwatchError('INPUT_UNREADABLE', `${path}: not a regular file`);
  if (st.size === 0) throw new GroundwatchError('INPUT_EMPTY', `${path}: file is empty`);
  const stored = await readHead(path);
  const outer = sniffFormat(stored);
  if (outer === undefined) throw notACapture(path, 'unknown file magic');
  const compressed = outer === 'gzip';
  const content = compressed ? await gunzipHead(path, st.size) : stored;
  if (compressed && content.length === 0) throw new GroundwatchError('INPUT_EMPTY', `${path}: gzip content is empty`);
  const format = sniffFormat(content);
  if (format === undefined || format === 'gzip') throw notACapture(path, compressed ? 'gzip content is not pcap or pcapng' : 'unknown file magic');
  if (content.length < minimumHeaderBytes(format)) {
    throw new GroundwatchError('CAPTURE_TRUNCATED', `${path}: ${format} file header is cut short (${content.length} bytes)`);
  }
  const spec: CaptureFileSpec = { path, size: st.size, format, compressed };
  const first = createParser(format, new Counters(), 0).push(content)[0];
  if (first !== undefined) spec.firstTs = { sec: first.tsSec, nsec: first.tsNsec };
  return spec;
}

async function readHead(path: string): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw unreadable(path, err);
  }
}

/** The first HEAD_BYTES of decompressed content (less if the file holds less or breaks early). */
async function gunzipHead(path: string, size: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  // The gzip reader (zlib, streams) loads only for a compressed file.
  const { gunzipMembers } = await import('./gzip-members.js');
  const content = gunzipMembers({ path, size, chunkBytes: HEAD_BYTES, onRead: () => undefined });
  try {
    for await (const chunk of content) {
      parts.push(chunk);
      total += chunk.length;
      if (total >= HEAD_BYTES) break;
    }
  } catch (err) {
    // Damage later in the stream is the reader's to report; here only the start matters.
    if (!(err instanceof GzipDamage)) throw unreadable(path, err);
    if (total === 0) throw notACapture(path, `gzip data is unreadable (${err.message})`);
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

function notACapture(path: string, why: string): GroundwatchError {
  return new GroundwatchError('INPUT_NOT_A_CAPTURE', `${path}: not a pcap or pcapng capture (${why})`);
}
