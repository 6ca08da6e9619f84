/**
 * The built CLI prints `--version` without loading any command and the top-level help from the
 * command listing the build put in the bundle (src/cli/command-listing.ts). What it prints must
 * be what the program with every command loaded prints: tsc's unbundled entry.js, which has no
 * listing and loads them all, is the reference.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, runCli } from '../support/cli.js';

const UNBUNDLED_ENTRY = pathToFileURL(`${REPO_ROOT}dist/cli/entry.js`).href;

function runUnbundled(args: string[]) {
  const script = `const { main } = await import(${JSON.stringify(UNBUNDLED_ENTRY)}); process.exitCode = await main(['node', 'groundwatch', ...${JSON.stringify(args)}]);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('help and version without loading the commands', () => {
  it.each([[['--help']], [['-h']], [['help']], [[]], [['--version']], [['-V']], [['help', 'replay']], [['bogus']], [['--help', 'replay']]])(
    'groundwatch %j prints what the fully loaded program prints',
    (args) => {
      const expected = runUnbundled(args);
      expect(expected.stdout + expected.stderr).not.toBe('');
      expect(runCli(args)).toEqual(expected);
    },
  );

  it('the top-level help lists every command (the listing is not empty or cut)', () => {
    const help = runCli(['--help']).stdout;
    for (const name of ['replay', 'monitor', 'interfaces', 'runs', 'flows', 'dns', 'alerts', 'gaps', 'rules', 'geoip', 'outbox', 'verify', 'keys', 'status', 'report']) {
      expect(help).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect(CLI.endsWith('main.js')).toBe(true);
  });
});
