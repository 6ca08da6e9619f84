/**
 * Commander prints a usage error as "error: ..." plus a hint and exits 1,
 * which is our policy-violation status, and answers a group command given
 * alone (`groundwatch alerts`) with its help and status 0. Here every usage
 * error, on every command, becomes one GroundwatchError USAGE: one line
 * `groundwatch: USAGE: ...` and exit 2. `--help` and `--version` still print
 * and exit 0.
 */
import type { Command } from 'commander';
import { GroundwatchError } from '../errors.js';

export function routeUsageErrors(cmd: Command): void {
  cmd.exitOverride();
  cmd.showHelpAfterError(false);
  cmd.configureOutput({
    // Commander calls this with its message just before it exits: throw the one line instead.
    outputError: (text) => {
      throw new GroundwatchError('USAGE', `${text.replace(/^error: /, '').trim()} (see '${commandPath(cmd)} --help')`);
    },
    // With outputError and showHelpAfterError out of the way, only help({ error: true }) writes
    // here: commander's answer to a group command given without one of its commands.
    writeErr: () => {
      throw new GroundwatchError('USAGE', `'${commandPath(cmd)}' needs a command: ${cmd.commands.map((c) => c.name()).join(', ')} (see '${commandPath(cmd)} --help')`);
    },
  });
  for (const sub of cmd.commands) routeUsageErrors(sub);
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
