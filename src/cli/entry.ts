/**
 * What the `groundwatch` bin runs, as a function: the bundle (scripts/bundle-cli.mjs) is a
 * CommonJS script compiled with a V8 code cache (code-cache.ts), and such a script cannot await
 * at its top; its launcher (launcher.ts) awaits this instead. Each bin applies the heap policy
 * itself, before this loads: the launcher must, before compiling (V8 refuses code cached under
 * other flags).
 */
import { runCli } from './run.js';

/** The exit status of the command `argv` (process.argv shape) names. */
export async function main(argv: string[]): Promise<number> {
  return runCli(argv);
}
