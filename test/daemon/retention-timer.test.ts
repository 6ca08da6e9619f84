/** The daemon's retention rounds: a failing store is counted each round and said once, never thrown at the capture loop. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { RetentionTimer } from '../../src/daemon/retention-timer.js';
import { DEFAULT_RETENTION } from '../../src/sinks/retention.js';

describe('retention timer', () => {
  it('counts every failed round in retention.failed and warns once until a round succeeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-retention-timer-'));
    const counters = new Counters();
    const warnings: string[] = [];
    // A store that cannot be opened: its directory does not exist (root ignores mode bits, so not a chmod).
    const timer = new RetentionTimer(join(dir, 'no-such-dir', 'x', 'store.db'), DEFAULT_RETENTION, counters, (l) => warnings.push(l));
    timer.round();
    timer.round();
    timer.round();
    expect(counters.get('retention.failed')).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^groundwatch: warning: retention round on .*store\.db failed \(.*\); retrying every 10 s$/);
    timer.stop();
  });

  it('a round on a healthy store succeeds and counts nothing as failed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-retention-timer-'));
    const counters = new Counters();
    const warnings: string[] = [];
    const timer = new RetentionTimer(join(dir, 'store.db'), DEFAULT_RETENTION, counters, (l) => warnings.push(l));
    timer.round();
    timer.stop();
    expect(counters.get('retention.failed')).toBe(0);
    expect(warnings).toEqual([]);
  });
});
