/** src/daemon/privileges.ts: the primary group comes from the passwd entry (passwd(5) field 4), not the user's name. */
import { describe, expect, it } from 'vitest';
import { primaryGroup } from '../../src/daemon/privileges.js';

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
