import { describe, expect, it } from 'vitest';
import { formatRecordLine } from '../../src/sinks/text-sink.js';
import { makeAlert, makeFlow } from './fixtures.js';

describe('text lines of flows and alerts picked up mid-stream', () => {
  it('say the start was not seen and what decided the client; flows seen from their start say nothing extra', () => {
    const seen = makeFlow();
    const mid = makeFlow();
    mid.groundwatch.flow = { ...mid.groundwatch.flow, start_seen: false, orientation: 'port' };
    expect(formatRecordLine(seen)).not.toContain('start not seen');
    expect(formatRecordLine(mid)).toMatch(/ B {2}\[start not seen, client by port\]$/);
    const alert = makeAlert();
    alert.groundwatch.flow = { ...alert.groundwatch.flow, start_seen: false, orientation: 'device' };
    expect(formatRecordLine(alert)!.split('\n')[0]).toMatch(/\[start not seen, client by device\]$/);
  });
});

describe('text lines for a person (replay --format text)', () => {
  it('alerts: severity, confidence, ISO time to the second, one plain reason per line, every line within 120 columns', () => {
    const alert = makeAlert({ severity: 'high', domain: 'a-very-long-name-for-a-destination.flysafe-api.dji.com', org: 'Hangzhou Alibaba Advertising Co.,Ltd. and a very long tail' });
    alert.groundwatch.confidence = 'M';
    alert.groundwatch.reasons = [
      'destination.ip 47.88.1.2 is located in CN (dbip-country built 2026-06-01T20:32:58.000Z)',
      `destination.domain ${'x'.repeat(60)}.dji.com is under dji.com (learned from tls_sni) and more words to wrap over the line end`,
    ];
    const lines = formatRecordLine(alert)!.split('\n');
    expect(lines[0]).toBe('ALERT  HIGH     conf M  2021-09-01T10:00:00Z  gw.dji.endpoint  flow Cflow1');
    expect(lines[1]).toMatch(/^ {9}192\.168\.1\.20 \(60-60-1F-AA-BB-CC\) -> 47\.88\.1\.2:443\/tcp {2}a-very-long-name/);
    expect(lines[2]).toBe('         - destination.ip 47.88.1.2 is located in CN (DB-IP Lite Country database, built 2026-06-01)');
    expect(lines.length).toBeGreaterThan(4); // the long reason wraps
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(120);
    expect(lines.join('\n')).not.toMatch(/\.\d{9}Z/);
  });

  it('flows: ISO time to the second, within 120 columns', () => {
    const text = formatRecordLine(makeFlow({ domain: 'x'.repeat(150), org: 'O'.repeat(80) }))!;
    expect(text).toMatch(/^FLOW {3}2021-09-01T10:00:00Z {2}192\.168\.1\.20:50000 -> 47\.88\.1\.2:443\/tcp/);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(120);
  });
});
