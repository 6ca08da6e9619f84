/**
 * `groundwatch alerts export <id> --db <path> --out <dir>`: writes the alert's
 * evidence bundle (docs/evidence.md), which `groundwatch verify --bundle`
 * checks offline on another machine.
 */
import type { Command } from 'commander';
import { readBundleContents } from '../evidence/bundle-contents.js';
import { writeBundle } from '../evidence/bundle-writer.js';
import { logEvidenceFor } from '../evidence/log-evidence.js';
import { TOOL_VERSION } from '../engine/version.js';
import { withReadOnlyStore, type CliOutput } from './flows-command.js';
import { sanitizeForTerminal } from './output-format.js';

export function registerAlertsExport(alerts: Command, out: CliOutput): void {
  alerts
    .command('export <id>')
    .description("write the alert's evidence bundle: alert, flow, naming DNS, run provenance, packet slice (pcapng), log proof and checkpoint, manifest of SHA-256s")
    .option('--db <path>', 'SQLite store (default: $GROUNDWATCH_DB or ./groundwatch.db)')
    .requiredOption('--out <dir>', 'new (or empty) directory for the bundle')
    .action((id: string, flags: { db?: string; out: string }) => {
      withReadOnlyStore(flags.db, (db) => {
        const contents = readBundleContents(db, id);
        const manifest = writeBundle(contents, { outDir: flags.out, log: logEvidenceFor(db, id, contents.alert.run_id), toolVersion: TOOL_VERSION });
        const packets = manifest.packets;
        out.stdout.write(
          `bundle for alert ${sanitizeForTerminal(id)} in ${sanitizeForTerminal(flags.out)}: ${manifest.files.length} files + ${'manifest.json'}; ` +
            `${packets.flow_packets_in_slice} flow packets` +
            (packets.flow_packets_recorded !== undefined ? ` of ${packets.flow_packets_recorded} recorded` : ' (flow still open)') +
            `, ${packets.dns_messages} DNS messages; ` +
            (manifest.log.included ? `log entries ${manifest.log.entries.map((e) => `${e.file} #${e.entry_index}`).join(', ')} in the checkpoint of tree size ${manifest.log.tree_size}` : `no log proof: ${manifest.log.reason}`) +
            '\n',
        );
      });
    });
}
