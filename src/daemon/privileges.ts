/** Started as root with --user: give up root once the capture is open (the worker already holds it). */
import { GroundwatchError } from '../errors.js';

export function dropPrivileges(user: string, log: (line: string) => void): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    log(`groundwatch: note: --user ${user} ignored (not running as root)`);
    return;
  }
  try {
    // Supplementary groups first (root's would survive setgid), then group, then user.
    const proc = process as NodeJS.Process & { initgroups?: (user: string, extraGroup: string) => void };
    proc.initgroups?.(user, user);
    process.setgid!(user);
    process.setuid!(user);
  } catch (err) {
    throw new GroundwatchError('USAGE', `cannot switch to user ${user}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
