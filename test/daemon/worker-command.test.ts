/** src/daemon/worker-command.ts: the C worker when the build made it, else the Node worker; and the C worker's argv. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeWorkerArgs, nativeWorkerPath, NODE_WORKER_PATH, workerCommand } from '../../src/daemon/worker-command.js';

const OPTS = { interfaceName: 'eth1', filter: 'not port 22', snaplen: 65535, bufferBytes: 64 << 20, promiscuous: true };
const PLATFORM = `${process.platform}-${process.arch}`;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function bindingDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-worker-cmd-'));
  dirs.push(dir);
  return dir;
}

function place(dir: string, sub: string, mode: number): string {
  mkdirSync(join(dir, sub), { recursive: true });
  const path = join(dir, sub, 'groundwatch-capture-worker');
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

describe('nativeWorkerPath', () => {
  it('is undefined when nothing was built (the daemon then runs the Node worker)', () => {
    const dir = bindingDir();
    expect(nativeWorkerPath(dir)).toBeUndefined();
    expect(workerCommand(OPTS, dir)).toEqual({ kind: 'node', command: process.execPath, args: [NODE_WORKER_PATH, JSON.stringify(OPTS)], files: [NODE_WORKER_PATH] });
  });

  it('prefers a local build to the packaged prebuild, as node-gyp-build does for the binding', () => {
    const dir = bindingDir();
    const prebuilt = place(dir, join('prebuilds', PLATFORM), 0o755);
    expect(nativeWorkerPath(dir)).toBe(prebuilt);
    const local = place(dir, 'build/Release', 0o755);
    expect(nativeWorkerPath(dir)).toBe(local);
    expect(workerCommand(OPTS, dir)).toEqual({ kind: 'native', command: local, args: nativeWorkerArgs(OPTS), files: [local] });
  });

  it('ignores a file nobody may execute', () => {
    const dir = bindingDir();
    place(dir, 'build/Release', 0o644);
    expect(nativeWorkerPath(dir)).toBeUndefined();
  });
});

describe('nativeWorkerArgs', () => {
  it('passes every capture option as a flag, the filter as one argument', () => {
    expect(nativeWorkerArgs(OPTS)).toEqual(['--interface', 'eth1', '--snaplen', '65535', '--buffer-bytes', String(64 << 20), '--promiscuous', '1', '--filter', 'not port 22']);
  });

  it('adds the timeout and the user to switch to when given', () => {
    const args = nativeWorkerArgs({ ...OPTS, promiscuous: false, timeoutMs: 250, runAs: { user: 'groundwatch', uid: 998, gid: 997 } });
    expect(args).toEqual([
      ...['--interface', 'eth1', '--snaplen', '65535', '--buffer-bytes', String(64 << 20), '--promiscuous', '0', '--filter', 'not port 22'],
      ...['--timeout-ms', '250', '--user', 'groundwatch', '--uid', '998', '--gid', '997'],
    ]);
  });
});
