import type { Command } from 'commander';
import { listInterfaces, type InterfaceInfo } from '../capture/live.js';
import { neutralizeTerminalLine } from '../util/terminal-text.js';

export function registerInterfacesCommand(program: Command): void {
  program
    .command('interfaces')
    .summary('list the interfaces libpcap can capture on')
    .description('Lists capture interfaces (name, addresses, description) for `monitor --interface`.')
    .option('--json', 'one JSON object per line')
    .action((flags: { json?: boolean }) => {
      const list = listInterfaces();
      const lines = list.map((i) => (flags.json ? JSON.stringify(i) : neutralizeTerminalLine(describe(i))));
      // One write: a reader that stops early (`| head`) costs nothing.
      process.stdout.on('error', () => {});
      process.stdout.write(lines.map((l) => `${l}\n`).join(''));
    });
}

function describe(i: InterfaceInfo): string {
  const flags = [i.loopback ? 'loopback' : '', i.up ? '' : 'down', i.up && !i.running ? 'no carrier' : ''].filter(Boolean);
  const addresses = i.addresses.length ? `  ${i.addresses.join(' ')}` : '';
  return `${i.name}${flags.length ? ` (${flags.join(', ')})` : ''}${addresses}${i.description ? `  - ${i.description}` : ''}`;
}
