/** The health and retention keys of the config file: accepted as documented, wrong ones named with their line. */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/config-file.js';
import { monitorOptions } from '../../src/cli/monitor-run.js';

describe('health and retention config keys', () => {
  it('become the monitor options, defaults filling what is not given', () => {
    const c = parseConfigText('interface: eth1\nsilence_after: 60\nretention:\n  flows_days: 7\n', '/etc/gw.yaml');
    const o = monitorOptions(c, {});
    expect(o.silenceAfterSeconds).toBe(60);
    expect(o.retention).toEqual({ flowsDays: 7, statsDays: 30, alertsDays: 730 });
    expect(o.geoipMaxAgeDays).toBe(35);
  });

  it('geoip_max_age_days: the config file, else $GROUNDWATCH_GEOIP_MAX_AGE_DAYS, else 35', () => {
    const withKey = parseConfigText('interface: eth1\ngeoip_max_age_days: 90\n', '/etc/gw.yaml');
    const without = parseConfigText('interface: eth1\n', '/etc/gw.yaml');
    expect(monitorOptions(withKey, { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '400' }).geoipMaxAgeDays).toBe(90);
    expect(monitorOptions(without, { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '400' }).geoipMaxAgeDays).toBe(400);
    expect(monitorOptions(without, { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '' }).geoipMaxAgeDays).toBe(35);
    expect(() => monitorOptions(without, { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '0' })).toThrow(/^\$GROUNDWATCH_GEOIP_MAX_AGE_DAYS must be a whole number of days from 1 to 3650 \(got "0"\)$/);
  });

  it('a misspelt retention key or a negative value is one CONFIG_INVALID line with file, line and key', () => {
    expect(() => parseConfigText('interface: eth1\nretention:\n  flow_days: 7\n', '/etc/gw.yaml')).toThrow(/^\/etc\/gw\.yaml:3: retention\.flow_days: unknown key/);
    expect(() => parseConfigText('interface: eth1\nsilence_after: -5\n', '/etc/gw.yaml')).toThrow(/^\/etc\/gw\.yaml:2: silence_after: /);
  });
});
