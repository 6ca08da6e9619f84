/**
 * Writes for a person (stderr lines, summaries, text output) all go through
 * neutralizeTerminalText here, whatever they quote: a file name, an MMDB
 * organisation, a rule pack's name, a message with user input. NDJSON output
 * is for programs: it is written as is (JSON escaping keeps it unambiguous).
 */
import { neutralizeTerminalLine, neutralizeTerminalText } from '../util/terminal-text.js';

export function printOut(text: string): void {
  process.stdout.write(neutralizeTerminalText(text));
}

export function printErr(text: string): void {
  process.stderr.write(neutralizeTerminalText(text));
}

/** One stderr line (a warning, an error): a line break inside it is escaped, it cannot forge a second line. */
export function printErrLine(line: string): void {
  process.stderr.write(`${neutralizeTerminalLine(line)}\n`);
}
