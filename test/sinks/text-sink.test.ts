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
