/**
 * Runs the CLI: known errors print one line with their code and exit 2 (or
 * their own status); unknown ones are bugs and print a stack.
 */
import { CommanderError } from 'commander';
import { isGroundwatchError } from '../errors.js';
import { buildProgram } from './program.js';

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (isGroundwatchError(err)) {
      process.stderr.write(`${err.toLine()}\n`);
      return err.exitCode;
    }
    process.stderr.write(`groundwatch: internal error (a bug; please report it with this output)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 70;
  }
}
