import { describe, expect, it } from 'vitest';
import { buildAlertRecord } from '../../src/alerts/build.js';
import { AlertSuppressor, suppressionKey } from '../../src/alerts/suppress.js';
import { Counters } from '../../src/counters.js';
import { hit, snapshot } from './fixtures.js';

const alertFor = (uid: string, serverIp = '120.24.10.20', domain?: string) =>
  buildAlertRecord(
    snapshot({ uid, serverIp, attribution: { ...(domain ? { host: domain, source: 'tls_sni' as const } : {}), names: [], conflict: false } }),
    hit(),
    'first_packet',
    '2023-11-14T22:13:21Z',
    { runId: 'run', files: [] },
  );

describe('AlertSuppressor', () => {
  it('folds repeats inside the window into the first alert and says which one', () => {
    const s = new AlertSuppressor({ windowSec: 300 });
    const first = alertFor('C1');
    expect(s.admit(first, 1000)).toEqual({ emit: true });
    const r = s.admit(alertFor('C2'), 1100);
    expect(r).toMatchObject({ emit: false, firstId: first.event.id, repeats: 1 });
    expect(s.admit(alertFor('C3'), 1299.9)).toMatchObject({ emit: false, repeats: 2 });
    expect(first.groundwatch.repeats).toBe(2);
  });

  it('emits again once the window from the first alert has passed', () => {
    const s = new AlertSuppressor({ windowSec: 300 });
    s.admit(alertFor('C1'), 1000);
    expect(s.admit(alertFor('C2'), 1300).emit).toBe(true);
    expect(s.admit(alertFor('C3'), 1301).emit).toBe(false);
  });

  it('keys on device, destination (domain, else ip) and rule', () => {
    const s = new AlertSuppressor();
    expect(s.admit(alertFor('C1', '1.1.1.1'), 0).emit).toBe(true);
    expect(s.admit(alertFor('C2', '2.2.2.2'), 1).emit).toBe(true);
    expect(s.admit(alertFor('C3', '3.3.3.3', 'a.dji.com'), 2).emit).toBe(true);
    expect(s.admit(alertFor('C4', '4.4.4.4', 'A.dji.com'), 3).emit).toBe(false);
    expect(suppressionKey(alertFor('C5', '4.4.4.4', 'a.dji.com'))).toBe('192.168.1.10\0a.dji.com\0china.cn-located');
  });

  it('is bounded: the oldest key is evicted and the eviction counted', () => {
    const counters = new Counters();
    const s = new AlertSuppressor({ windowSec: 300, maxKeys: 2, counters });
    s.admit(alertFor('C1', '1.1.1.1'), 0);
    s.admit(alertFor('C2', '2.2.2.2'), 1);
    s.admit(alertFor('C3', '3.3.3.3'), 2);
    expect(s.size).toBe(2);
    expect(counters.get('alerts.suppressor.evicted')).toBe(1);
    // 1.1.1.1 was forgotten, so it is emitted again; 3.3.3.3 is still folded.
    expect(s.admit(alertFor('C4', '3.3.3.3'), 3).emit).toBe(false);
    expect(s.admit(alertFor('C5', '1.1.1.1'), 4).emit).toBe(true);
    expect(counters.get('alerts.suppressed')).toBe(1);
  });

  it('expired keys are dropped before anything is evicted', () => {
    const counters = new Counters();
    const s = new AlertSuppressor({ windowSec: 10, maxKeys: 2, counters });
    s.admit(alertFor('C1', '1.1.1.1'), 0);
    s.admit(alertFor('C2', '2.2.2.2'), 1);
    s.admit(alertFor('C3', '3.3.3.3'), 20);
    expect(s.size).toBe(1);
    expect(counters.get('alerts.suppressor.evicted')).toBe(0);
  });
});
