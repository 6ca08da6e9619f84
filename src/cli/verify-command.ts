/**
 * `groundwatch verify --db <path> [--key <pub>] [--checkpoint <file>...]`:
 * checks the store's integrity log (docs/integrity.md). Exit 0 only when
 * everything holds, 1 when tampering or truncation is found, 2 on bad input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { GroundwatchError } from '../errors.js';
import { parseCheckpoint } from '../integrity/checkpoint.js';
import { hasIntegrityLog } from '../integrity/log-store.js';
import { parseVerifierKey, type NoteVerifier } from '../integrity/note-keys.js';
import { verifyStore } from '../integrity/verify.js';
import { verifyText } from '../integrity/verify-text.js';
import { openStore } from '../sinks/sqlite-store.js';
import { printErrLine, printOut } from './print.js';
import { runVerifyBundle } from './verify-bundle.js';

interface VerifyFlags {
  db?: string;
  bundle?: string;
  key?: string;
  checkpoint?: string[];
  format: 'text' | 'json';
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .summary("check the store's integrity log against its rows and checkpoints, or an evidence bundle")
    .description(
      'Re-derives every log entry from the stored rows, checks numbering, recomputes the Merkle roots, checks each ' +
        "checkpoint's signature (with --key) and that successive checkpoints are consistent, and compares with checkpoints " +
        'held elsewhere (--checkpoint).\n\nExit status: 0 everything holds, 1 tampering or truncation found, 2 bad input.',
    )
    .option('--db <path>', 'SQLite store to check')
    .option('--bundle <dir>', 'check an evidence bundle (alerts export) instead, offline: manifest hashes, log entries, inclusion proofs, checkpoint signature with --key (docs/evidence.md)')
    .option('--key <key>', "the box's public key (verifier key text `name+id+base64`, or a file holding it, e.g. checkpoint.pub)")
    .option('--checkpoint <files...>', 'checkpoints held off the box (signed notes, as delivered)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: VerifyFlags) => {
      if (flags.bundle !== undefined) {
        if (flags.db !== undefined || flags.checkpoint !== undefined) throw new GroundwatchError('USAGE', '--bundle is checked on its own: no --db or --checkpoint with it');
        process.exitCode = await runVerifyBundle(flags.bundle, flags);
        return;
      }
      if (flags.db === undefined) throw new GroundwatchError('USAGE', "verify needs --db <path> (a store) or --bundle <dir> (an evidence bundle)");
      const key = flags.key !== undefined ? readKey(flags.key) : undefined;
      const external = (flags.checkpoint ?? []).map((file) => ({ file, checkpoint: readCheckpointFile(file) }));
      const dbPath = flags.db;
      const db = openStore(dbPath, { readonly: true });
      try {
        if (!hasIntegrityLog(db)) throw new GroundwatchError('DB_OPEN_FAILED', `${dbPath} has no integrity log`);
        const report = verifyStore(db, { store: dbPath, ...(key ? { key } : {}), external });
        printOut(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : verifyText(report));
        // Exit 1 is a finding (like a policy violation), not an error code: the report says what failed.
        if (!report.ok) printErrLine(`groundwatch verify: FAILED: ${report.problems[0]?.message ?? ''}${report.problems.length > 1 ? ` (and ${report.problems.length - 1} more)` : ''}`);
        process.exitCode = report.ok ? 0 : 1;
      } finally {
        db.close();
      }
    });
}

function readKey(value: string): NoteVerifier {
  const text = existsSync(value) ? readFileSync(value, 'utf8') : value;
  try {
    return parseVerifierKey(text);
  } catch (err) {
    throw new GroundwatchError('KEY_INVALID', `--key: ${(err as Error).message}`);
  }
}

function readCheckpointFile(file: string) {
  try {
    return parseCheckpoint(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new GroundwatchError('CHECKPOINT_INVALID', `${file}: ${(err as Error).message}`);
  }
}
