/**
 * Which program runs the capture: the C worker (native/pcap/capture_worker.c,
 * built with the binding) when it is there, else the Node worker
 * (capture-worker.ts). Both take the same options and speak the same frames.
 * The C worker is preferred because it has one thread: its capability drop
 * reaches everything it runs, where a Node worker's helper threads keep what
 * the process started with (docs/monitor.md, "CAP_NET_RAW in Node's helper threads").
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINDING_DIR } from '../capture/live.js';
import type { CaptureWorkerOptions } from './capture-worker.js';

export const NODE_WORKER_PATH = fileURLToPath(new URL('./capture-worker.js', import.meta.url));
const NATIVE_WORKER_NAME = 'groundwatch-capture-worker';

export interface WorkerCommand {
  kind: 'native' | 'node';
  command: string;
  args: string[];
  /** What a worker started later, as the --user, must be able to read (and, for the C worker, execute). */
  files: string[];
}

/**
 * The C worker the build made, in node-gyp-build's order: a local build
 * (`npm run build:native`) first, else the one the package ships beside the
 * prebuilt binding. Undefined when neither is there and executable.
 */
export function nativeWorkerPath(bindingDir = BINDING_DIR): string | undefined {
  const candidates = [join(bindingDir, 'build/Release', NATIVE_WORKER_NAME), join(bindingDir, 'prebuilds', `${process.platform}-${process.arch}`, NATIVE_WORKER_NAME)];
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The C worker's argv: plain flags, so it parses no JSON. */
export function nativeWorkerArgs(opts: CaptureWorkerOptions): string[] {
  const args = ['--interface', opts.interfaceName, '--snaplen', String(opts.snaplen), '--buffer-bytes', String(opts.bufferBytes)];
  args.push('--promiscuous', opts.promiscuous === false ? '0' : '1', '--filter', opts.filter);
  if (opts.timeoutMs !== undefined) args.push('--timeout-ms', String(opts.timeoutMs));
  if (opts.runAs) args.push('--user', opts.runAs.user, '--uid', String(opts.runAs.uid), '--gid', String(opts.runAs.gid));
  return args;
}

export function workerCommand(opts: CaptureWorkerOptions, bindingDir = BINDING_DIR): WorkerCommand {
  const native = nativeWorkerPath(bindingDir);
  if (native !== undefined) return { kind: 'native', command: native, args: nativeWorkerArgs(opts), files: [native] };
  return { kind: 'node', command: process.execPath, args: [NODE_WORKER_PATH, JSON.stringify(opts)], files: [NODE_WORKER_PATH] };
}
