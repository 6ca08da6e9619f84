/**
 * tshark, the independent oracle of most tests: one way to run it and split
 * its `-T fields` output (tab-separated, every occurrence, joined by commas).
 * Domain helpers (frames, ClientHellos, conversations, DNS payloads) build on this.
 */
import { execFile, execFileSync } from 'node:child_process';

export interface TsharkFieldOptions {
  /** Display filter (-Y). */
  filter?: string;
  /** `-o name:value` preferences. */
  prefs?: string[];
  /** Two passes (-2), so reassembled TLS/HTTP names are attributed to their frames. */
  twoPass?: boolean;
  /** Further arguments, e.g. `-d udp.port==853,dns` or `-o` pairs. */
  args?: string[];
}

export function tsharkArgs(file: string, fields: readonly string[], o: TsharkFieldOptions = {}): string[] {
  const args = ['-n', '-r', file, ...(o.twoPass ? ['-2'] : []), ...(o.args ?? [])];
  for (const p of o.prefs ?? []) args.push('-o', p);
  if (o.filter) args.push('-Y', o.filter);
  args.push('-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,');
  for (const f of fields) args.push('-e', f);
  return args;
}

/** One array of field values per frame, in field order ('' when a frame has none). */
export function splitRows(stdout: string, width: number): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const cols = line.split('\t');
      while (cols.length < width) cols.push('');
      return cols;
    });
}

export function tsharkFieldRows(file: string, fields: readonly string[], o: TsharkFieldOptions = {}): string[][] {
  const out = execFileSync('tshark', tsharkArgs(file, fields, o), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
  return splitRows(out, fields.length);
}

export interface TsharkRowsRun {
  rows: string[][];
  /** stderr without tshark's "running as root" notice (read errors show up here). */
  stderr: string;
}

/** Async variant; rejects when tshark exits non-zero. */
export function tsharkFieldRowsAsync(file: string, fields: readonly string[], o: TsharkFieldOptions = {}): Promise<TsharkRowsRun> {
  return new Promise((resolve, reject) => {
    execFile('tshark', tsharkArgs(file, fields, o), { encoding: 'utf8', maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`tshark -r ${file} failed: ${err.message}\n${stderr}`));
        return;
      }
      const cleaned = stderr.split('\n').filter((l) => l.trim() !== '' && !/^Running as user/.test(l)).join('\n');
      resolve({ rows: splitRows(stdout, fields.length), stderr: cleaned });
    });
  });
}

export function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** tshark prints bytes fields as hex (with or without colons). */
export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/:/g, ''), 'hex'));
}
