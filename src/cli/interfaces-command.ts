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
      for (const i of list) {
        if (flags.json) process.stdout.write(`${JSON.stringify(i)}\n`);
        else process.stdout.write(`${i.name}${i.loopback ? ' (loopback)' : ''}${i.addresses.length ? `  ${i.addresses.join(' ')}` : ''}${i.description ? `  - ${i.description}` : ''}\n`);
      }
    });
}
