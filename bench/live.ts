/**
 * Entry of the live-capture benchmark (bench-live.ts), run by `npm run bench` through vite-node
 * as micro.ts is. Prints one JSON line on stdout; progress and tool errors go to stderr.
 *
 *   npx vite-node bench/live.ts <pcap> <pps> [seconds]              one run
 *   npx vite-node bench/live.ts --search <pcap> <rates> <seconds> <soak-seconds>
 *       highest zero-drop rate of a comma-separated list, then a soak with the store on
 */
import { benchLive, maxZeroDropRate, type BenchLiveResult } from './bench-live.js';

const SOAK_PPS = 50_000;

async function main(args: string[]): Promise<unknown> {
  if (args[0] === '--search') {
    const [, pcap, rates, seconds, soakSeconds] = args;
    if (!pcap || !rates || !seconds || !soakSeconds) throw new Error('usage: live.ts --search <pcap> <rates> <seconds> <soak-seconds>');
    const live: { best: number | undefined; runs: BenchLiveResult[]; soak?: BenchLiveResult } = await maxZeroDropRate(
      pcap,
      rates.split(',').map(Number),
      Number(seconds),
    );
    if (Number(soakSeconds) > 0) live.soak = await benchLive({ pcap, pps: SOAK_PPS, seconds: Number(soakSeconds), withStore: true });
    return live;
  }
  const [pcap, pps, seconds] = args;
  if (!pcap || !pps) throw new Error('usage: live.ts <pcap> <pps> [seconds]');
  return benchLive({ pcap, pps: Number(pps), seconds: Number(seconds ?? 20) });
}

try {
  process.stdout.write(`${JSON.stringify(await main(process.argv.slice(2)))}\n`);
} catch (err) {
  process.stderr.write(`bench live: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
