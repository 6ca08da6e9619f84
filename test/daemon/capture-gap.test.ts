/** src/daemon/capture-gap.ts: gap records as the SQLite sink stores them (capture_gaps table). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCaptureGapRecord } from '../../src/daemon/capture-gap.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';

describe('buildCaptureGapRecord', () => {
  it('a closed gap has start, end and an ECS duration in nanoseconds', () => {
    const rec = buildCaptureGapRecord({ start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T00:00:03.5Z'), reason: 'interface_down', interfaceName: 'eth1' }, 'run-1');
    expect(rec.event).toMatchObject({ kind: 'event', dataset: 'groundwatch.capture_gap', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:03.500Z', duration: 3_500_000_000 });
    expect(rec.groundwatch).toEqual({ gap: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:03.500Z', reason: 'interface_down', interface: 'eth1' }, run_id: 'run-1' });
  });

  it('an open gap (shutdown during an outage) has no end and is stored so', async () => {
    const rec = buildCaptureGapRecord({ start: new Date('2026-01-01T00:00:00Z'), reason: 'interface_gone', interfaceName: 'eth1' });
    expect(rec.groundwatch.gap.end).toBeUndefined();
    const path = join(mkdtempSync(join(tmpdir(), 'gw-gap-')), 'gw.db');
    const sink = new SqliteSink(openStore(path), { name: 'sqlite' });
    sink.write(rec);
    await sink.flush();
    await sink.close();
    const db = openStore(path, { readonly: true });
    const row = db.prepare('SELECT interface, reason, ts_end FROM capture_gaps').get() as Record<string, unknown>;
    db.close();
    expect(row).toEqual({ interface: 'eth1', reason: 'interface_gone', ts_end: null });
  });
});
