/**
 * Records no sink takes are not built (Sink.accepts): a run whose only sinks take alerts gets
 * no flow or DNS record handed to any sink, and the same alerts as a run whose sink takes
 * everything (the oracle: the records the pipeline builds when something wants them all).
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../src/engine/replay.js';
import type { Dataset, GroundwatchRecord } from '../../src/records/ecs.js';
import type { Sink } from '../../src/sinks/sink.js';
import { REPO_ROOT } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');

class Recording implements Sink {
  readonly name = 'recording';
  readonly seen: GroundwatchRecord[] = [];
  constructor(private readonly only?: Dataset) {
    if (only) this.accepts = (dataset: Dataset) => dataset === only;
  }
  accepts?: (dataset: Dataset) => boolean;
  write(rec: GroundwatchRecord): void {
    this.seen.push(rec);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

async function replayInto(sink: Recording): Promise<void> {
  await runReplay({
    files: [FIXTURE],
    failOn: 'never',
    dbPath: null,
    stdoutFormat: 'none',
    events: 'alerts',
    stdout: new Writable({ write: (_c, _e, cb) => cb() }),
    warn: () => undefined,
    extraSinks: [sink],
  });
}

const count = (records: GroundwatchRecord[], dataset: Dataset) => records.filter((r) => r.event.dataset === dataset).length;
const alertIds = (records: GroundwatchRecord[]) => records.filter((r) => r.event.dataset === 'groundwatch.alert').map((r) => r.event.id);

describe('records no sink takes', () => {
  it('are never handed out when every sink takes alerts only, and the alerts are the same', async () => {
    const everything = new Recording();
    const alertsOnly = new Recording('groundwatch.alert');
    await replayInto(everything);
    await replayInto(alertsOnly);
    expect(count(everything.seen, 'groundwatch.flow')).toBeGreaterThan(10);
    expect(count(everything.seen, 'groundwatch.dns')).toBeGreaterThan(5);
    expect(count(alertsOnly.seen, 'groundwatch.flow')).toBe(0);
    expect(count(alertsOnly.seen, 'groundwatch.dns')).toBe(0);
    expect(alertIds(everything.seen).length).toBeGreaterThan(0);
    expect(alertIds(alertsOnly.seen)).toEqual(alertIds(everything.seen));
  });
});
