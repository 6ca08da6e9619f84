/** The canonical form against RFC 8785's own examples (section 3.2.2 / 3.2.3 and Appendix B numbers). */
import { describe, expect, it } from 'vitest';
import { canonicalJson, type JsonValue } from '../../src/integrity/canonical-json.js';

describe('canonical JSON (RFC 8785)', () => {
  it('serialises the example of RFC 8785 3.2.2 as the RFC prints it', () => {
    // The RFC's input, parsed (JSON.parse gives the same values an RFC 8785 parser would).
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], ' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as JsonValue;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 3.2.3 example)', () => {
    const input = JSON.parse('{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}') as Record<string, string>;
    // Read the order from the text (re-parsing would put the integer-like key "1" first, as JS objects do).
    const text = canonicalJson(input);
    const order = Object.values(input).sort((a, b) => text.indexOf(`"${a}"`) - text.indexOf(`"${b}"`));
    // RFC 8785 3.2.3 lists the values in this order.
    expect(order).toEqual(['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh']);
  });

  it('writes the numbers of RFC 8785 Appendix B as listed', () => {
    const cases: [number, string][] = [
      [0, '0'], [-0, '0'], [Number.MIN_VALUE, '5e-324'], [-Number.MIN_VALUE, '-5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'], [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'], [1e21, '1e+21'], [1e-7, '1e-7'], [0.000001, '0.000001'],
    ];
    for (const [n, text] of cases) expect(canonicalJson(n)).toBe(text);
  });

  it('refuses NaN and Infinity (no JSON form)', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
  });
});
