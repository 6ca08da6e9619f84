/**
 * The top-level commands as `groundwatch --help` lists them, without loading their modules
 * (issue 18: help loaded all fifteen, ~3x the start-up of bare node). scripts/bundle-cli.mjs
 * takes the listing from the fully registered program at build time and puts it in the bundle
 * (GROUNDWATCH_COMMAND_LISTING); run from src/ or tsc's output there is none, and help loads
 * every command as before. test/cli/command-listing.test.ts holds the bundle's help to the
 * fully loaded program's.
 */
import { Help, type Command } from 'commander';

export interface CommandListing {
  name: string;
  /** What the command list shows for it: name, alias, "[options]", arguments. */
  term: string;
  description: string;
  aliases: string[];
  hidden: boolean;
}

/** Replaced by the listing when the bundle is built (esbuild define). */
declare const GROUNDWATCH_COMMAND_LISTING: readonly CommandListing[] | undefined;

export function builtListing(): readonly CommandListing[] | undefined {
  return typeof GROUNDWATCH_COMMAND_LISTING === 'undefined' ? undefined : GROUNDWATCH_COMMAND_LISTING;
}

/** The listing of a program with its commands registered (what the build embeds). */
export function listingOf(program: Command): CommandListing[] {
  const help = program.createHelp();
  return program.commands.map((cmd) => ({
    name: cmd.name(),
    term: help.subcommandTerm(cmd),
    description: help.subcommandDescription(cmd),
    aliases: cmd.aliases(),
    // Commander keeps this private; a hidden command must stay out of the list.
    hidden: (cmd as unknown as { _hidden?: boolean })._hidden === true,
  }));
}

/**
 * Registers each listed command as a stand-in that help lists exactly as the real one. Only for
 * runs that print help: a stand-in has none of the command's options, arguments or action.
 */
export function registerListed(program: Command, listing: readonly CommandListing[], helpConfig: Partial<Help>): void {
  const terms = new Map<Command, string>();
  for (const entry of listing) {
    const cmd = program.command(entry.name, { hidden: entry.hidden }).summary(entry.description);
    if (entry.aliases.length) cmd.aliases(entry.aliases);
    terms.set(cmd, entry.term);
  }
  program.configureHelp({
    ...helpConfig,
    subcommandTerm(this: Help, cmd: Command): string {
      return terms.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
}
