/** Started as root with --user: give up root once the capture is open (the worker already holds it). */
import { readFileSync } from 'node:fs';
import { GroundwatchError } from '../errors.js';

export function dropPrivileges(user: string, log: (line: string) => void): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    log(`groundwatch: note: --user ${user} ignored (not running as root)`);
    return;
  }
  const gid = primaryGroup(user);
  try {
    // Supplementary groups first (root's would survive setgid), then group, then user.
    const proc = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };
    proc.initgroups?.(user, gid);
    process.setgid!(gid);
    process.setuid!(user);
  } catch (err) {
    throw new GroundwatchError('USAGE', `cannot switch to user ${user}: ${err instanceof Error ? err.message : String(err)}`);
  }
  log(`groundwatch: running as ${user} (uid ${process.getuid()}, gid ${process.getgid!()})`);
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
