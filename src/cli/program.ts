import { Command, type Help } from 'commander';
import { TOOL_VERSION } from '../engine/version.js';
import { builtListing, registerListed } from './command-listing.js';

type Register = (program: Command) => void;

/**
 * Each top-level command and how to load the module that registers it. Start-up is dominated by
 * module loading (a tiny replay took ~0.6 s against ~0.12 s for bare node), so a run loads only
 * the command it was asked for; help and unknown commands load them all.
 * `--version` loads none, and neither does help when the bundle carries the command listing
 * (command-listing.ts). Order here is the order `--help` lists them. test/cli/program-lazy.test.ts checks the names.
 */
export const COMMAND_LOADERS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['replay', async () => (await import('./replay-command.js')).registerReplayCommand],
  ['monitor', async () => (await import('./monitor-command.js')).registerMonitorCommand],
  ['interfaces', async () => (await import('./interfaces-command.js')).registerInterfacesCommand],
  ['runs', async () => (await import('./runs-command.js')).registerRunsCommands],
  ['flows', async () => (await import('./flows-command.js')).registerFlowsCommands],
  ['dns', async () => (await import('./dns-command.js')).registerDnsCommands],
  ['alerts', async () => (await import('./alerts-command.js')).registerAlertsCommands],
  ['gaps', async () => (await import('./gaps-command.js')).registerGapsCommands],
  [
    'rules',
    async () => {
      const [{ registerRulesCommands }, { GeoResolver }] = await Promise.all([import('./rules-command.js'), import('../enrich/index.js')]);
      return (program: Command) => registerRulesCommands(program, { openGeo: (dir?: string) => GeoResolver.open(dir ? { dir } : {}) });
    },
  ],
  ['geoip', async () => (await import('./geoip-command.js')).registerGeoipCommands],
  ['outbox', async () => (await import('./outbox-command.js')).registerOutboxCommands],
  ['verify', async () => (await import('./verify-command.js')).registerVerifyCommand],
  ['keys', async () => (await import('./keys-command.js')).registerKeysCommands],
  ['status', async () => (await import('./status-command.js')).registerStatusCommand],
  ['report', async () => (await import('./report-command.js')).registerReportCommand],
];

const HELP_CONFIG: Partial<Help> = { sortSubcommands: false };

/** The whole command line is one of these: nothing but the version is printed. */
const VERSION_ONLY = new Set(['-V', '--version']);
/** The whole command line is one of these (or empty): nothing but the top-level help is printed. */
const HELP_ONLY = new Set(['-h', '--help', 'help']);

/**
 * The program with the command named in `argv` (process.argv shape) registered; with none for
 * `--version` alone; with stand-ins listed as the commands are (command-listing.ts) for the
 * top-level help alone, when the bundle carries their listing; otherwise with every command
 * (no argv, `help <command>`, a typo: commander then lists or suggests from all of them).
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('groundwatch')
    .version(TOOL_VERSION)
    .description(
      'Network egress monitor for drone ground-control traffic: records, flow by flow, where the flight ' +
        "app's traffic goes (name, country, network operator) and alerts on flows to Chinese servers and DJI endpoints.",
    )
    .configureHelp(HELP_CONFIG);
  const asked = argv?.[2];
  const alone = argv?.length === 3 ? asked : undefined;
  if (alone !== undefined && VERSION_ONLY.has(alone)) return program;
  const listing = builtListing();
  if (listing && (argv?.length === 2 || (alone !== undefined && HELP_ONLY.has(alone)))) {
    registerListed(program, listing, HELP_CONFIG);
    return program;
  }
  const only = COMMAND_LOADERS.find(([name]) => name === asked);
  const loaders = only ? [only] : COMMAND_LOADERS;
  const registers = await Promise.all(loaders.map(([, load]) => load()));
  for (const register of registers) register(program);
  return program;
}
