import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRelpFrame, parseRelpOffers, parseRelpResponse, RelpFrameParser } from '../../../src/delivery/transports/relp-frame.js';

/** Frames written by hand from the grammar in librelp doc/relp.md, not by our encoder. */
const SPEC_BYTES =
  '1 open 57 relp_version=0\nrelp_software=x,1,http://x\ncommands=syslog\n' +
  '2 rsp 6 200 OK\n' +
  '3 rsp 17 500 queue full\nxy\n' +
  '0 serverclose 0\n';

function frames(text: string): Array<{ txnr: number; command: string; data: string }> {
  const parser = new RelpFrameParser();
  const { frames: got, error } = parser.push(Buffer.from(text, 'utf8'));
  expect(error).toBeUndefined();
  return got.map((f) => ({ txnr: f.txnr, command: f.command, data: f.data.toString('utf8') }));
}

describe('RELP frames', () => {
  it('parses frames written from the spec grammar, including DATALEN 0 without data', () => {
    expect(frames(SPEC_BYTES)).toEqual([
      { txnr: 1, command: 'open', data: 'relp_version=0\nrelp_software=x,1,http://x\ncommands=syslog' },
      { txnr: 2, command: 'rsp', data: '200 OK' },
      { txnr: 3, command: 'rsp', data: '500 queue full\nxy' },
      { txnr: 0, command: 'serverclose', data: '' },
    ]);
  });

  it('the same frames arrive in any split: one byte at a time, or random cuts', () => {
    const whole = frames(SPEC_BYTES);
    const bytes = Buffer.from(SPEC_BYTES);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new RelpFrameParser();
        const got = [];
        let start = 0;
        for (const end of [...points, bytes.length]) {
          const r = parser.push(bytes.subarray(start, end));
          expect(r.error).toBeUndefined();
          got.push(...r.frames);
          start = end;
        }
        expect(got.map((f) => ({ txnr: f.txnr, command: f.command, data: f.data.toString('utf8') }))).toEqual(whole);
      }),
    );
  });

  it('encodes what it parses (DATALEN is octets: a UTF-8 message counts bytes)', () => {
    expect(encodeRelpFrame(7, 'syslog', 'é').toString('utf8')).toBe('7 syslog 2 é\n');
    expect(encodeRelpFrame(9, 'close').toString('utf8')).toBe('9 close 0\n');
  });

  it.each([
    ['x rsp 6 200 OK\n', /bad TXNR/],
    ['1234567890 rsp 0\n', /TXNR longer than 9 digits/],
    ['1 r5p 0\n', /bad COMMAND/],
    [`1 ${'a'.repeat(33)} 0\n`, /COMMAND longer than 32/],
    ['1 rsp x\n', /bad DATALEN/],
    ['1 rsp 3 200 OK\n', /DATA longer than DATALEN 3/],
    ['1 rsp 999999999 ', /over the limit/],
    ['1 rsp 6\n200 OK\n', /bad DATALEN/],
    ['\n', /bad TXNR/],
  ])('refuses %j with a reason, and accepts nothing after', (text, reason) => {
    const parser = new RelpFrameParser();
    const r = parser.push(Buffer.from(text));
    expect(r.error).toMatch(reason);
    expect(parser.push(Buffer.from('1 rsp 6 200 OK\n')).frames).toEqual([]);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const parser = new RelpFrameParser(1024);
        for (const chunk of chunks) parser.push(Buffer.from(chunk));
      }),
      { numRuns: 2000 },
    );
  });

  it('rsp data and offers', () => {
    expect(parseRelpResponse(Buffer.from('200 OK\nrelp_version=0\ncommands=syslog'))).toEqual({ code: 200, message: 'OK', body: 'relp_version=0\ncommands=syslog' });
    expect(parseRelpResponse(Buffer.from('500'))).toEqual({ code: 500, message: '', body: '' });
    expect(parseRelpResponse(Buffer.from('OK'))).toBeUndefined();
    expect(parseRelpOffers('relp_version=0\ncommands=syslog,eventlog\nflag')).toEqual(
      new Map([['relp_version', ['0']], ['commands', ['syslog', 'eventlog']], ['flag', []]]),
    );
  });
});
