import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { octetCountedFrame } from '../../../src/delivery/transports/octet-framing.js';
import { asciiJson, formatRfc5424 } from '../../../src/delivery/transports/rfc5424.js';
import { escapeParamValue, isSdName, sdElement } from '../../../src/delivery/transports/structured-data.js';
import type { OutgoingMessage } from '../../../src/delivery/transport.js';
import { parseDestination } from '../../../src/delivery/url.js';

const message: OutgoingMessage = {
  id: 'a1',
  kind: 'alert',
  severity: 'low',
  timestamp: '2003-10-11T22:14:15.003Z',
  json: '{"event":{"id":"a1"}}',
  summary: { alert_id: 'a1' },
};

describe('RFC 5424 header', () => {
  it('PRI as in RFC 5424 §6.5 example 1 (<165> = local4 (20) * 8 + notice (5)); our "low" is notice', () => {
    const line = formatRfc5424(message, { facility: 20, enterpriseNumber: '32473', hostname: 'mymachine.example.com' }, 4242);
    expect(line).toBe('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com groundwatch 4242 alert [groundwatch@32473 alert_id="a1"] {"event":{"id":"a1"}}');
  });

  it('severity mapping onto RFC 5424 Table 2 and facility defaults to local0 (16)', () => {
    const destination = parseDestination('syslog+tcp://h:514');
    if (destination.kind !== 'syslog') throw new Error('expected a syslog destination');
    expect(destination.format.facility).toBe(16);
    const format = destination.format;
    // Table 2: 2 Critical, 3 Error, 4 Warning, 5 Notice, 6 Informational.
    const expected = { critical: 2, high: 3, medium: 4, low: 5, info: 6 } as const;
    for (const [severity, code] of Object.entries(expected)) {
      const line = formatRfc5424({ ...message, severity: severity as OutgoingMessage['severity'] }, format, 1);
      expect(line.startsWith(`<${16 * 8 + code}>1 `)).toBe(true);
    }
  });

  it('a configured enterprise number names the SD-ID; an unusable timestamp or host becomes the NILVALUE', () => {
    const line = formatRfc5424({ ...message, timestamp: 'yesterday' }, { facility: 16, enterpriseNumber: '1.3.6', hostname: 'h' }, 1);
    expect(line).toMatch(/^<133>1 - h groundwatch 1 alert \[groundwatch@1\.3\.6 alert_id="a1"\] /);
    // RFC 5424 TIMESTAMP allows at most 6 fractional digits.
    expect(formatRfc5424({ ...message, timestamp: '2026-01-01T00:00:00.1234567Z' }, { facility: 16, enterpriseNumber: '1' }, 1)).toMatch(/^<133>1 - /);
  });
});

describe('structured data (RFC 5424 §6.3)', () => {
  it('escapes exactly ", \\ and ] (§6.3.3) and leaves a newline as it is', () => {
    expect(escapeParamValue('a"b\\c]d\ne[f')).toBe('a\\"b\\\\c\\]d\ne[f');
    expect(sdElement('groundwatch@32473', { rule: 'x]"\\', country: 'CN' })).toBe('[groundwatch@32473 rule="x\\]\\"\\\\" country="CN"]');
  });

  it('SD-NAME: 1..32 printable US-ASCII except = SP ] " (invalid parameter names are left out)', () => {
    for (const bad of ['', 'a b', 'a=b', 'a]', 'a"', 'x'.repeat(33), 'ü']) expect(isSdName(bad)).toBe(false);
    for (const good of ['alert_id', 'x'.repeat(32), 'a@1']) expect(isSdName(good)).toBe(true);
    expect(sdElement('gw@1', { ok: '1', 'bad name': '2' })).toBe('[gw@1 ok="1"]');
  });
});

describe('MSG: the ECS JSON as pure ASCII (no BOM needed)', () => {
  it('is ASCII and parses to the same value, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.stringify(value);
        const ascii = asciiJson(json);
        expect(ascii).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(ascii)).toEqual(JSON.parse(json));
      }),
      { numRuns: 500 },
    );
  });
});

describe('octet counting (RFC 6587 §3.4.1)', () => {
  it('the length counts octets, not characters, and a newline inside does not end the frame', () => {
    const frame = octetCountedFrame('<13>1 - - - - - [x@1 a="ö\n"] é');
    const text = frame.toString('utf8');
    const space = text.indexOf(' ');
    expect(Number(text.slice(0, space))).toBe(frame.length - space - 1);
    expect(frame.length - space - 1).toBe(Buffer.byteLength('<13>1 - - - - - [x@1 a="ö\n"] é'));
  });
});
