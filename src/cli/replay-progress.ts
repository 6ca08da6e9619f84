/**
 * A long replay on a terminal shows where it is: one line on stderr, rewritten
 * in place about once a second (packets read, the file being read, rate). Only
 * when stderr is a terminal: CI logs and pipes get nothing extra. The line is
 * cleared before the run's own output (warnings, summary) follows.
 */
import type { ReplayProgress } from '../engine/replay.js';
import { neutralizeTerminalLine } from '../util/terminal-text.js';
import { cutToWidth } from '../util/text-width.js';

export interface ProgressTarget {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressLine {
  show?: (p: ReplayProgress) => void;
  clear(): void;
}

export function progressLine(stream: ProgressTarget): ProgressLine {
  if (stream.isTTY !== true) return { clear: () => undefined };
  let shown = false;
  return {
    show(p) {
      const width = Math.max(40, (stream.columns ?? 120) - 1);
      const text = neutralizeTerminalLine(`replay: ${p.packets.toLocaleString('en')} packets, ${Math.round(p.rate).toLocaleString('en')}/s, reading ${p.file}`);
      stream.write(`\r\u001b[2K${cutToWidth(text, width)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}
