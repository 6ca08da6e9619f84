/** src/config/config-file.ts: the monitor's YAML config, and flags over it (src/cli/monitor-command.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigText } from '../../src/config/config-file.js';
import { mergeFlags, monitorOptions } from '../../src/cli/monitor-run.js';
import { GroundwatchError } from '../../src/errors.js';

const EXAMPLE = new URL('../../deploy/groundwatch.example.yaml', import.meta.url).pathname;

function configError(text: string): GroundwatchError {
  try {
    parseConfigText(text, '/etc/groundwatch/groundwatch.yaml');
  } catch (err) {
    if (err instanceof GroundwatchError) return err;
    throw err;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('parseConfigText', () => {
  it('reads every key', () => {
    const c = parseConfigText(
      ['interface: eth1', 'filter: not port 22', 'snaplen: 2048', 'buffer_size_mb: 32', 'promiscuous: true', 'devices: [192.168.1.0/24, "aa:bb:cc:dd:ee:ff"]',
        'rules: [/etc/groundwatch/rules]', 'geoip: /var/lib/GeoIP', 'db: /var/lib/groundwatch/gw.db', 'ndjson: /var/log/groundwatch/records.ndjson',
        'format: none', 'events: all', 'stats_interval: 30', 'suppress_window: 600', 'user: groundwatch'].join('\n'),
      'x.yaml',
    );
    expect(c).toEqual({
      interface: 'eth1', filter: 'not port 22', snaplen: 2048, buffer_size_mb: 32, promiscuous: true, devices: ['192.168.1.0/24', 'aa:bb:cc:dd:ee:ff'],
      rules: ['/etc/groundwatch/rules'], geoip: '/var/lib/GeoIP', db: '/var/lib/groundwatch/gw.db', ndjson: '/var/log/groundwatch/records.ndjson',
      format: 'none', events: 'all', stats_interval: 30, suppress_window: 600, user: 'groundwatch',
    });
  });

  it('names file, line and key of a wrong value, in one line', () => {
    const err = configError('interface: eth1\n\nsnaplen: lots\n');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.toLine()).toMatch(/^groundwatch: CONFIG_INVALID: \/etc\/groundwatch\/groundwatch\.yaml:3: snaplen: /);
  });

  it('names the line of an unknown key (a typo must not be ignored)', () => {
    expect(configError('interface: eth1\nstats_intervall: 10\n').message).toMatch(/groundwatch\.yaml:2: stats_intervall: unknown key/);
  });

  it('points into lists', () => {
    expect(configError('devices:\n  - 10.0.0.1\n  - ""\n').message).toMatch(/:3: devices\.1: /);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(configError('interface: eth1\nrules: [a, b\n').message).toMatch(/groundwatch\.yaml:\d+: /);
  });

  it('refuses a config file that cannot be read, naming it', () => {
    expect(() => loadConfigFile('/nonexistent/gw.yaml')).toThrow(/\/nonexistent\/gw\.yaml: cannot read/);
  });

  it('accepts the shipped example file', () => {
    expect(loadConfigFile(EXAMPLE).interface).toBeTruthy();
  });
});

describe('flags over the file', () => {
  it('a flag wins over its key; keys without a flag stay', () => {
    const merged = mergeFlags({ interface: 'eth1', snaplen: 2048, db: '/a.db' }, { interface: 'eth2', db: false });
    expect(merged).toEqual({ interface: 'eth2', snaplen: 2048, db: false });
  });

  it('defaults the store to $GROUNDWATCH_DB, then the systemd state directory, then /var/lib/groundwatch', () => {
    expect(monitorOptions({ interface: 'x' }, { GROUNDWATCH_DB: '/tmp/a.db' }).dbPath).toBe('/tmp/a.db');
    expect(monitorOptions({ interface: 'x' }, { STATE_DIRECTORY: '/var/lib/gw' }).dbPath).toBe('/var/lib/gw/groundwatch.db');
    expect(monitorOptions({ interface: 'x' }, {}).dbPath).toBe('/var/lib/groundwatch/groundwatch.db');
    expect(monitorOptions({ interface: 'x', db: false }, { GROUNDWATCH_DB: '/tmp/a.db' }).dbPath).toBeNull();
    expect(monitorOptions({ interface: 'x', db: '/c.db' }, { GROUNDWATCH_DB: '/tmp/a.db' }).dbPath).toBe('/c.db');
  });

  it('needs an interface from somewhere', () => {
    expect(() => monitorOptions({}, {})).toThrow(/needs an interface/);
  });

  it('refuses a non-numeric number flag as USAGE', () => {
    expect(() => mergeFlags({}, { snaplen: '64k' })).toThrow(/--snaplen must be a whole number/);
  });

  it('loads a file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-cfg-'));
    writeFileSync(join(dir, 'c.yaml'), 'interface: eth9\n');
    expect(loadConfigFile(join(dir, 'c.yaml'))).toEqual({ interface: 'eth9' });
  });
});
