/**
 * Writes a report a CI job asked for (--junit): its directory is created when
 * missing; a path that cannot be written (a directory, no permission) is one
 * line `groundwatch: OUTPUT_WRITE_FAILED: ...`, exit 2, never a stack trace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GroundwatchError } from '../errors.js';

export function writeReportFile(flag: string, path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new GroundwatchError('OUTPUT_WRITE_FAILED', `${flag} ${path}: cannot write the report (${why})`, { cause: err });
  }
}
