import type { Command } from 'commander';
import { listInterfaces } from '../capture/live.js';

export function registerInterfacesCommand(program: Command): void {
  program
    .command('interfaces')
    .summary('list the interfaces libpcap can capture on')
    .description('Lists capture interfaces (name, addresses, description) for `monitor --interface`.')
    .option('--json', 'one JSON object per line')
    .action(async (flags: { json?: boolean }) => {
      const list = await listInterfaces();
      const lines = list.map((i) =>
        flags.json ? JSON.stringify(i) : `${i.name}${i.loopback ? ' (loopback)' : ''}${i.addresses.length ? `  ${i.addresses.join(' ')}` : ''}${i.description ? `  - ${i.description}` : ''}`,
      );
      // One write: a reader that stops early (`| head`) costs nothing.
      process.stdout.on('error', () => {});
      process.stdout.write(lines.map((l) => `${l}\n`).join(''));
    });
}
