/** The monitor's `deliver:` / `delivery:` config keys and `--deliver` flags reach the session's delivery setup. */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/config-file.js';
import { mergeFlags, monitorOptions } from '../../src/cli/monitor-run.js';

describe('deliver: config and --deliver', () => {
  it('config entries and --deliver flags are both kept; delivery: settings apply; defaults otherwise', () => {
    const file = parseConfigText(
      ['interface: eth1', 'deliver:', '  - http://127.0.0.1:8080/hook', '  - url: relp://127.0.0.1:2514', '    min_severity: high', 'delivery:', '  outbox_max_bytes: 2097152', '  heartbeat_interval: 60', ''].join('\n'),
      'gw.yaml',
    );
    const opts = monitorOptions(mergeFlags(file, { deliver: ['syslog+tcp://127.0.0.1:1514'] }));
    const d = opts.delivery!;
    expect(d.destinations.map((t) => [t.route.label, t.route.minSeverity])).toEqual([
      ['http://127.0.0.1:8080/hook', 'info'],
      ['relp://127.0.0.1:2514', 'high'],
      ['syslog+tcp://127.0.0.1:1514', 'info'],
    ]);
    expect(d.outboxMaxBytes).toBe(2097152);
    expect(d.heartbeatIntervalMs).toBe(60_000);
    expect(monitorOptions(mergeFlags({ interface: 'eth1' }, { deliver: ['http://127.0.0.1:1/h'] })).delivery).toMatchObject({ outboxMaxBytes: 64 * 1024 * 1024, heartbeatIntervalMs: 300_000 });
    expect(monitorOptions(mergeFlags({ interface: 'eth1' }, {})).delivery).toBeUndefined();
  });

  it('a bad delivery: key is one CONFIG_INVALID line with file:line', () => {
    expect(() => parseConfigText(['delivery:', '  outbox_max_bytes: 10', ''].join('\n'), 'gw.yaml')).toThrow(/gw\.yaml:2: delivery\.outbox_max_bytes: /);
    expect(() => parseConfigText(['delivery:', '  heartbeat: 10', ''].join('\n'), 'gw.yaml')).toThrow(/gw\.yaml:2: delivery\.heartbeat: unknown key/);
    // A misspelt destination option is caught with its line too (not later, without one).
    expect(() => parseConfigText(['deliver:', '  - url: https://h.example/x', '    sercet_file: /etc/s', ''].join('\n'), 'gw.yaml')).toThrow(/gw\.yaml:3: deliver\.0\.sercet_file: unknown key/);
  });

  it('the same destination twice is a usage error (rows are keyed by the label)', () => {
    expect(() => monitorOptions(mergeFlags({ interface: 'eth1', deliver: ['relp://127.0.0.1:2514'] }, { deliver: ['relp://127.0.0.1:2514'] }))).toThrow(/given twice/);
  });
});
