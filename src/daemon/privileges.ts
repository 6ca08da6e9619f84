/**
 * Started as root with --user: every process of the run ends as that user.
 *
 * - The capture worker (the only process that touches libpcap) opens the
 *   interface as root, then switches to the user itself and drops every
 *   capability, so even the first worker holds nothing: the C worker
 *   (native/pcap/capture_worker.c) on its only thread, the Node fallback
 *   with dropWorkerPrivileges (on its main thread only).
 * - The daemon (which parses hostile packets) switches once the first capture
 *   is open and keeps CAP_NET_RAW permitted and ambient but not effective:
 *   nothing is in force while it runs, yet a worker it restarts after the
 *   interface comes back receives CAP_NET_RAW (ambient) to reopen it, then
 *   drops it too. CAP_NET_ADMIN is not needed: libpcap's packet socket,
 *   promiscuous membership and TPACKET_V3 ring need CAP_NET_RAW only.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import type { CaptureCapabilities } from '../capture/live.js';
import { GroundwatchError } from '../errors.js';

/** Who the run ends as (resolved once from the passwd database, before anything switches). */
export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

export function dropPrivileges(runAs: RunAs, log: (line: string) => void, caps?: CaptureCapabilities): void {
  switchUser(runAs, caps);
  const kept = caps
    ? ', keeping only CAP_NET_RAW (permitted, not effective) to restart the capture worker'
    : ' (no capture capabilities kept: a capture lost later cannot be reopened)';
  log(`groundwatch: running as ${runAs.user} (uid ${process.getuid!()}, gid ${process.getgid!()})${kept}`);
}

/**
 * In a capture worker, once its capture is open: become the user (if still
 * root, with --user) and hold no capability. A worker that never was root
 * (systemd's User= with AmbientCapabilities) drops what it was given too.
 */
export function dropWorkerPrivileges(runAs: RunAs | undefined, caps: CaptureCapabilities): void {
  if (runAs && process.getuid!() === 0) switchUser(runAs);
  const uid = runAs?.uid ?? process.getuid!();
  try {
    caps.dropAll();
  } catch (err) {
    throw new GroundwatchError('CAPTURE_OPEN_FAILED', `capture worker cannot drop its capabilities: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The kernel is the judge: what /proc says is what the worker holds.
  const held = heldCapabilities(readFileSync('/proc/self/status', 'utf8'));
  if (process.getuid!() !== uid || held !== 0n) {
    throw new GroundwatchError('CAPTURE_OPEN_FAILED', `capture worker still privileged after the switch (uid ${process.getuid!()}, capabilities 0x${held.toString(16)})`);
  }
}

/** The run's target user when started as root with --user; undefined (with a note) otherwise. */
export function resolveRunAs(user: string | undefined, log: (line: string) => void, passwd = readPasswd()): RunAs | undefined {
  if (user === undefined) return undefined;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    log(`groundwatch: note: --user ${user} ignored (not running as root)`);
    return undefined;
  }
  return passwdEntry(user, passwd);
}

/**
 * After the switch: what the run still has to read (and run) as that user (a
 * worker restarted later loads these). Unreadable is one clear line, never a hang.
 */
export function checkReadableAs(runAs: RunAs, paths: string[], executables: string[] = []): void {
  const check = (path: string, mode: number, what: string) => {
    try {
      accessSync(path, mode);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new GroundwatchError('CAPTURE_UNAVAILABLE', `${path} is not ${what} by user ${runAs.user} (${code}): make the installation ${what} by that user`);
    }
  };
  for (const path of paths) check(path, constants.R_OK, 'readable');
  for (const path of executables) check(path, constants.X_OK, 'executable');
}

/** Permitted | effective | inheritable | ambient from a /proc/<pid>/status text. */
export function heldCapabilities(status: string): bigint {
  let all = 0n;
  for (const set of ['CapPrm', 'CapEff', 'CapInh', 'CapAmb']) {
    const m = new RegExp(`^${set}:\\s+([0-9a-f]+)$`, 'm').exec(status);
    if (m) all |= BigInt(`0x${m[1]}`);
  }
  return all;
}

function switchUser(runAs: RunAs, caps?: CaptureCapabilities): void {
  try {
    // Supplementary groups first (root's would survive setgid), then group, then user.
    const proc = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };
    caps?.keep();
    proc.initgroups?.(runAs.user, runAs.gid);
    process.setgid!(runAs.gid);
    process.setuid!(runAs.uid);
    caps?.restore();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new GroundwatchError('USAGE', `cannot switch to user ${runAs.user}: ${reason}${IO_URING_GUARD.test(reason) ? IO_URING_ADVICE : ''}`);
  }
}

/**
 * Node.js refuses setuid/setgid/initgroups when it cannot rule out that libuv uses io_uring
 * (CVE-2024-22017): always so where it links a system libuv without Node's own patch, as
 * Debian 13's nodejs does. Such a Node can only be started as the user, never switch to it.
 */
const IO_URING_GUARD = /CVE-2024-22017/;
const IO_URING_ADVICE =
  ' (this Node.js cannot change user: start groundwatch as that user instead, as the systemd unit deploy/groundwatch.service does with User= and AmbientCapabilities=CAP_NET_RAW; docs/monitor.md)';

/** The user's uid and primary group from the passwd database (the group need not share the user's name). */
export function passwdEntry(user: string, passwd = readPasswd()): RunAs {
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === user && /^\d+$/.test(f[2] ?? '') && /^\d+$/.test(f[3] ?? '')) return { user, uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new GroundwatchError('USAGE', `cannot switch to user ${user}: no such user in /etc/passwd`);
}

export function primaryGroup(user: string, passwd = readPasswd()): number {
  return passwdEntry(user, passwd).gid;
}

function readPasswd(): string {
  try {
    return readFileSync('/etc/passwd', 'utf8');
  } catch {
    return '';
  }
}
