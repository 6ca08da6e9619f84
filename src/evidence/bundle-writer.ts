/**
 * Writes one alert's evidence bundle into a new directory: the files of
 * BUNDLE_FILES and manifest.json, written last, with every file's SHA-256.
 * An existing non-empty directory is refused: a bundle is never mixed with
 * other files, nor written over an older bundle.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GroundwatchError } from '../errors.js';
import type { BundleContents } from './bundle-contents.js';
import { BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_FILE, sha256Hex, type Manifest, type ManifestFile } from './bundle-manifest.js';
import type { LogEvidence } from './log-evidence.js';
import { slicePcapng } from './slice-pcapng.js';


export interface WriteBundleOptions {
  outDir: string;
  /** Why the log part is missing, when `log` is undefined. */
  log: LogEvidence | { missing: string };
  /** The exporting groundwatch's version (manifest, pcapng shb_userappl). */
  toolVersion: string;
  now?: Date;
}

export function writeBundle(contents: BundleContents, opts: WriteBundleOptions): Manifest {
  prepareEmptyDir(opts.outDir);
  const files: ManifestFile[] = [];
  const put = (name: string, bytes: Uint8Array | string, what: string) => {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    writeFileSync(join(opts.outDir, name), data, { flag: 'wx' });
    files.push({ name, sha256: sha256Hex(data), bytes: data.length, what });
  };
  const { alert, flow } = contents;
  const alertId = alert.id;
  const log = 'missing' in opts.log ? undefined : opts.log;
  // A logged record is written as its log entry's exact bytes, so its RFC 9162 leaf hash can be checked.
  const logged = (file: string) => log?.entries.find((e) => e.file === file);
  const alertEntry = logged(BUNDLE_FILES.alert);
  put(BUNDLE_FILES.alert, alertEntry ? alertEntry.bytes : `${JSON.stringify(alert.record, null, 2)}\n`, alertEntry ? "the alert's log entry (canonical JSON of its stored row)" : 'the alert record as stored');
  if (flow) put(BUNDLE_FILES.flow, `${JSON.stringify(flow, null, 2)}\n`, 'the flow record of the alerted flow');
  put(BUNDLE_FILES.dns, contents.dns.map((r) => `${JSON.stringify(r)}\n`).join(''), 'DNS transactions that named the destination (or that the alert is about)');
  const runEntry = logged(BUNDLE_FILES.run);
  if (runEntry) put(BUNDLE_FILES.run, runEntry.bytes, "provenance of the capture run that raised the alert: the run's log entry (canonical JSON of its stored row)");
  else if (contents.run) put(BUNDLE_FILES.run, `${JSON.stringify(contents.run, null, 2)}\n`, 'provenance of the capture run that raised the alert, as stored');
  put(BUNDLE_FILES.packets, slicePcapng(contents.flowPackets, alertId, 'packets of the alerted flow', `groundwatch ${opts.toolVersion}`), "the alerted flow's packets (pcapng)");
  put(BUNDLE_FILES.dnsPackets, slicePcapng(contents.dnsPackets, alertId, 'DNS messages that named the destination', `groundwatch ${opts.toolVersion}`), 'DNS messages that named the destination (pcapng)');
  if (log) {
    put(BUNDLE_FILES.proof, `${JSON.stringify(proofFile(log), null, 2)}\n`, 'RFC 9162 inclusion proofs of the logged files in the checkpoint\'s tree');
    put(BUNDLE_FILES.checkpoint, log.checkpoint, 'the checkpoint (C2SP signed note) the proofs lead to');
  }
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    alert_id: alertId,
    flow_uid: alert.record.groundwatch.flow.uid,
    created_at: (opts.now ?? new Date()).toISOString(),
    tool_version: opts.toolVersion,
    packets: {
      flow_packets_in_slice: contents.flowPackets.length,
      ...(flow ? { flow_packets_recorded: (flow.source?.packets ?? 0) + (flow.destination?.packets ?? 0) } : {}),
      dns_messages: contents.dnsPackets.length,
      content: countContent(contents),
    },
    log: log
      ? { included: true, tree_size: log.treeSize, entries: log.entries.map((e) => ({ file: e.file, kind: e.kind, entry_index: e.index })) }
      : { included: false, reason: (opts.log as { missing: string }).missing },
    files,
  };
  writeFileSync(join(opts.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  return manifest;
}

export interface ProofFile {
  tree_size: number;
  entries: { file: string; kind: string; ref: string; entry_index: number; proof: string[] }[];
}

function proofFile(log: LogEvidence): ProofFile {
  return {
    tree_size: log.treeSize,
    entries: log.entries.map((e) => ({ file: e.file, kind: e.kind, ref: e.ref, entry_index: e.index, proof: e.proof.map((h) => h.toString('base64')) })),
  };
}

function countContent(contents: BundleContents): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of [...contents.flowPackets, ...contents.dnsPackets]) counts[r.content] = (counts[r.content] ?? 0) + 1;
  return counts;
}

function prepareEmptyDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (readdirSync(dir).length > 0) throw new GroundwatchError('BUNDLE_OUT_NOT_EMPTY', `${dir}: the bundle directory must be new or empty`);
  } catch (err) {
    if (err instanceof GroundwatchError) throw err;
    throw new GroundwatchError('BUNDLE_OUT_NOT_EMPTY', `${dir}: cannot create the bundle directory (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
