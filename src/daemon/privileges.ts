/**
 * Started as root with --user: become that user once the capture is open,
 * keeping only CAP_NET_RAW and CAP_NET_ADMIN (effective and ambient), as the
 * systemd unit does, so a capture worker restarted after the interface comes
 * back can open it again. Everything else root could do is gone.
 */
import { readFileSync } from 'node:fs';
import type { CaptureCapabilities } from '../capture/live.js';
import { GroundwatchError } from '../errors.js';

export function dropPrivileges(user: string, log: (line: string) => void, caps?: CaptureCapabilities): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    log(`groundwatch: note: --user ${user} ignored (not running as root)`);
    return;
  }
  const gid = primaryGroup(user);
  try {
    // Supplementary groups first (root's would survive setgid), then group, then user.
    const proc = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };
    caps?.keep();
    proc.initgroups?.(user, gid);
    process.setgid!(gid);
    process.setuid!(user);
    caps?.restore();
  } catch (err) {
    throw new GroundwatchError('USAGE', `cannot switch to user ${user}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const kept = caps ? ', keeping CAP_NET_RAW and CAP_NET_ADMIN' : ' (no capture capabilities kept: a capture lost later cannot be reopened)';
  log(`groundwatch: running as ${user} (uid ${process.getuid()}, gid ${process.getgid!()})${kept}`);
}

/** The user's primary group from the passwd database (the group need not share the user's name). */
export function primaryGroup(user: string, passwd = readPasswd()): number {
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === user && f[3] !== undefined && /^\d+$/.test(f[3])) return Number(f[3]);
  }
  throw new GroundwatchError('USAGE', `cannot switch to user ${user}: no such user in /etc/passwd`);
}

function readPasswd(): string {
  try {
    return readFileSync('/etc/passwd', 'utf8');
  } catch {
    return '';
  }
}
