import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_LOADERS } from '../../src/cli/program.js';

// The lazy table in program.ts must name exactly the commands their modules register, or a
// command would be unreachable (run with its name) or listed under a wrong name.
describe('lazy command registration', () => {
  it('each table entry registers exactly the one top-level command it is named after', async () => {
    for (const [name] of COMMAND_LOADERS) {
      const program = await buildProgram(['node', 'groundwatch', name]);
      expect(program.commands.map((c) => c.name())).toEqual([name]);
    }
  });

  it('no command named: every command is registered, in the table order (help lists them all)', async () => {
    const program = await buildProgram(['node', 'groundwatch', '--help']);
    expect(program.commands.map((c) => c.name())).toEqual(COMMAND_LOADERS.map(([name]) => name));
  });
});
