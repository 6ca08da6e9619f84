/**
 * Colour for a person at a terminal, never in a pipe or a file, and never when
 * NO_COLOR is set to anything but an empty string (no-color.org). Only the
 * severity is coloured: the rest stays plain so nothing depends on colour.
 */
import type { Severity } from '../types.js';
import type { TableStyle } from './output-format.js';
import { TABLE_WIDTH } from './output-format.js';

export interface StyleTarget {
  isTTY?: boolean;
}

export function colourWanted(stream: StyleTarget, env: NodeJS.ProcessEnv = process.env): boolean {
  const noColor = env['NO_COLOR'];
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}

const SEVERITY_SGR: Record<Severity, string> = {
  critical: '1;31',
  high: '31',
  medium: '33',
  low: '36',
  info: '2',
};

export function colourSeverity(severity: string, text: string): string {
  const sgr = SEVERITY_SGR[severity as Severity];
  return sgr === undefined ? text : `\u001b[${sgr}m${text}\u001b[0m`;
}

/** The table style for a stream: fits 120 columns; colours the `severity` column on a terminal. */
export function tableStyleFor(stream: StyleTarget, env: NodeJS.ProcessEnv = process.env): TableStyle {
  if (!colourWanted(stream, env)) return { width: TABLE_WIDTH };
  return {
    width: TABLE_WIDTH,
    colour: (key, value, padded) => (key === 'severity' && typeof value === 'string' ? colourSeverity(value, padded) : undefined),
  };
}
