/** Writes the report file: HTML (default) or the same content as one JSON document. */
import { writeFileSync } from 'node:fs';
import { GroundwatchError } from '../errors.js';
import { renderReportHtml } from './html/render.js';
import type { ReportModel } from './schema.js';

export const REPORT_FORMATS = ['html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function reportText(model: ReportModel, format: ReportFormat): string {
  return format === 'json' ? `${JSON.stringify(model, null, 2)}\n` : renderReportHtml(model);
}

export function writeReport(path: string, model: ReportModel, format: ReportFormat): void {
  // Rendered outside the try: a bug in rendering is an internal error with its stack, not a write failure.
  const content = reportText(model, format);
  try {
    writeFileSync(path, content);
  } catch (err) {
    throw new GroundwatchError('REPORT_WRITE_FAILED', `cannot write report ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The format from --format, or from the file name (.json) when not given. */
export function reportFormatFor(path: string, format: string | undefined): ReportFormat {
  const f = format ?? (path.toLowerCase().endsWith('.json') ? 'json' : 'html');
  if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new GroundwatchError('USAGE', `--format must be html or json (got ${f})`);
  return f as ReportFormat;
}
