/**
 * Runs the CLI: known errors print one line with their code and exit 2 (or
 * their own status); unknown ones are bugs and print a stack.
 */
import { CommanderError } from 'commander';
import { GroundwatchError, isGroundwatchError } from '../errors.js';
import { printErr, printErrLine } from './print.js';
import { buildProgram } from './program.js';
import { routeUsageErrors } from './usage-errors.js';

export async function runCli(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  routeUsageErrors(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version, `help <command>`
      printErrLine(new GroundwatchError('USAGE', err.message.replace(/^error: /, '')).toLine());
      return 2;
    }
    if (isGroundwatchError(err)) {
      printErrLine(err.toLine());
      return err.exitCode;
    }
    printErr(`groundwatch: internal error (a bug; please report it with this output)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 70;
  }
}
