/** The `evidence:` block of the monitor config: read into the session's options, wrong values named by file:line:key. */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/config-file.js';
import { monitorOptions } from '../../src/cli/monitor-run.js';
import { GroundwatchError } from '../../src/errors.js';

const FILE = '/etc/groundwatch/groundwatch.yaml';

function configError(text: string): GroundwatchError {
  try {
    parseConfigText(text, FILE);
  } catch (err) {
    if (err instanceof GroundwatchError) return err;
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('evidence config', () => {
  it('reads every key into the session options, in bytes', () => {
    const c = parseConfigText('interface: eth1\nevidence:\n  packets: full\n  ring_mb: 8\n  ring_seconds: 30\n  store_max_mb: 64\n  max_packets_per_flow: 500\n', FILE);
    expect(monitorOptions(c, {}).evidence).toEqual({ packets: 'full', ringBytes: 8 * 1024 * 1024, ringSeconds: 30, storeMaxBytes: 64 * 1024 * 1024, maxPacketsPerFlow: 500 });
  });

  it('leaves the defaults (headers only) when the block is absent', () => {
    expect(monitorOptions(parseConfigText('interface: eth1\n', FILE), {}).evidence).toEqual({});
  });

  it('names the line and key of a wrong mode or an unknown key', () => {
    expect(configError('interface: eth1\nevidence:\n  packets: payload\n').toLine()).toMatch(/^groundwatch: CONFIG_INVALID: \/etc\/groundwatch\/groundwatch\.yaml:3: evidence\.packets: /);
    expect(configError('interface: eth1\nevidence:\n  ring_mb: 0\n').toLine()).toMatch(/:3: evidence\.ring_mb: /);
    expect(configError('interface: eth1\nevidence:\n  headers: true\n').toLine()).toMatch(/:3: evidence\.headers: unknown key/);
  });
});
