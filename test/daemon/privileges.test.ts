/** src/daemon/privileges.ts: the primary group comes from the passwd entry (passwd(5) field 4), not the user's name. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dropWorkerPrivileges, primaryGroup } from '../../src/daemon/privileges.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\ngroundwatch:x:998:997::/var/lib/groundwatch:/usr/sbin/nologin\n';

describe('primaryGroup', () => {
  it('reads the gid field of the user', () => {
    expect(primaryGroup('groundwatch', PASSWD)).toBe(997);
    expect(primaryGroup('nobody', PASSWD)).toBe(65534);
  });

  it('names a user that does not exist', () => {
    expect(() => primaryGroup('ground', PASSWD)).toThrow(/cannot switch to user ground: no such user/);
  });
});

describe('a Node.js that refuses to change user', () => {
  afterEach(() => vi.restoreAllMocks());

  // The message is Debian 13's nodejs 20.19.2 verbatim (seen running `monitor --user` there): its libuv
  // is the system one, so Node's CVE-2024-22017 guard refuses initgroups/setgid/setuid every time.
  it('says to start as the user (the systemd unit) instead of only repeating Node', () => {
    const proc = process as NodeJS.Process & { initgroups: (user: string, group: number) => void };
    const refused = () => {
      throw new Error('initgroups() disabled: io_uring may be enabled. See CVE-2024-22017.');
    };
    proc.initgroups ??= refused;
    const ids = process as unknown as { getuid: () => number; setgid: (id: number) => void; setuid: (id: number) => void };
    vi.spyOn(ids, 'getuid').mockReturnValue(0);
    vi.spyOn(proc, 'initgroups').mockImplementation(refused);
    const setgid = vi.spyOn(ids, 'setgid').mockImplementation(refused);
    const setuid = vi.spyOn(ids, 'setuid').mockImplementation(refused);
    const caps = { keep: () => {}, restore: () => {}, dropAll: () => {} };
    expect(() => dropWorkerPrivileges({ user: 'groundwatch', uid: 998, gid: 997 }, caps)).toThrow(
      'cannot switch to user groundwatch: initgroups() disabled: io_uring may be enabled. See CVE-2024-22017. (this Node.js cannot change user: start groundwatch as that user instead, as the systemd unit deploy/groundwatch.service does with User= and AmbientCapabilities=CAP_NET_RAW; docs/monitor.md)',
    );
    expect(setgid).not.toHaveBeenCalled();
    expect(setuid).not.toHaveBeenCalled();
  });
});
