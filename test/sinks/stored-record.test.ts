/**
 * The stored form of records (sinks/stored-record.ts): a format byte, then raw deflate (RFC 1951)
 * against the kind's preset dictionary. The oracle is Python's zlib, which inflates the bytes
 * after the format byte with the dictionary, not our own decoder; older forms (JSON text, a blob
 * of JSON) must still read.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  alertRecordOfRow,
  decodeRecord,
  decodeStoredText,
  encodeRecord,
  encodeStored,
  type StoredKind,
} from '../../src/sinks/stored-record.js';
import * as dictionaries from '../../src/sinks/stored-record-dictionaries.js';
import { makeAlert, makeDns, makeFlow } from './fixtures.js';

/** Python inflates each stored value minus its first byte against its dictionary (one process for all); returns the texts. */
function pythonInflate(items: { stored: Buffer; dictionary: string }[]): string[] {
  const script = [
    'import sys, json, zlib, base64',
    'out = []',
    'for s, d in json.load(sys.stdin):',
    '    z = zlib.decompressobj(wbits=-15, zdict=base64.b64decode(d))',
    '    out.append(z.decompress(base64.b64decode(s)).decode("utf-8"))',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const input = JSON.stringify(items.map((i) => [i.stored.subarray(1).toString('base64'), Buffer.from(i.dictionary).toString('base64')]));
  return JSON.parse(execFileSync('python3', ['-c', script], { input, encoding: 'utf8' })) as string[];
}

const DICTIONARY_OF: Record<StoredKind, [number, string]> = {
  flow: [0x01, dictionaries.FLOW_DICTIONARY_V1],
  dns: [0x02, dictionaries.DNS_DICTIONARY_V1],
  alert: [0x03, dictionaries.ALERT_DICTIONARY_V1],
  stats: [0x04, dictionaries.STATS_DICTIONARY_V1],
  capture_gap: [0x05, dictionaries.GAP_DICTIONARY_V1],
  alert_entry: [0x06, dictionaries.ALERT_ENTRY_DICTIONARY_V1],
  stats_entry: [0x07, dictionaries.STATS_ENTRY_DICTIONARY_V1],
};

describe('stored records', () => {
  it('are a format byte naming the dictionary, then raw deflate against it (Python zlib inflates them)', () => {
    const samples: [StoredKind, unknown][] = [['flow', makeFlow({ uid: 'Cpy' })], ['dns', makeDns('Cd')], ['alert', makeAlert({ id: 'A-py' })]];
    const stored = samples.map(([kind, rec]) => encodeRecord(kind, rec));
    expect(stored.map((s) => s[0])).toEqual(samples.map(([kind]) => DICTIONARY_OF[kind][0]));
    expect(pythonInflate(samples.map(([kind], i) => ({ stored: stored[i]!, dictionary: DICTIONARY_OF[kind][1] })))).toEqual(samples.map(([, rec]) => JSON.stringify(rec)));
    stored.forEach((s, i) => expect(s.length).toBeLessThan(JSON.stringify(samples[i]![1]).length));
  });

  it('every format byte is distinct, and each dictionary decodes what it encoded', () => {
    const bytes = Object.values(DICTIONARY_OF).map(([b]) => b);
    expect(new Set(bytes).size).toBe(bytes.length);
    for (const kind of Object.keys(DICTIONARY_OF) as StoredKind[]) {
      const text = `{"kind":"${kind}","text":"${'é€𝄞'.repeat(20)}"}`;
      const stored = encodeStored(kind, text);
      expect(stored[0]).toBe(DICTIONARY_OF[kind][0]);
      expect(decodeStoredText(stored)).toBe(text);
    }
  });

  it('older forms still read: JSON text (rows before schema 8, rows written by hand) and a blob of JSON text', () => {
    const rec = makeFlow({ uid: 'Cold' });
    expect(decodeRecord(JSON.stringify(rec))).toEqual(rec);
    expect(decodeRecord(Buffer.from(JSON.stringify(rec)))).toEqual(rec);
  });

  it('a value no writer makes is an error naming it, never a wrong record', () => {
    expect(() => decodeStoredText(Buffer.from([0x7f, 1, 2, 3]))).toThrow('unknown format byte 0x7f');
    expect(() => decodeStoredText(Buffer.alloc(0))).toThrow('empty blob');
    expect(() => decodeStoredText(null)).toThrow('NULL');
    expect(() => decodeStoredText(Buffer.from([0x01, 0xff, 0xff]))).toThrow();
  });

  it("an alert row's repeats and folded columns are put into its record; a row without them keeps its own", () => {
    const rec = makeAlert({ id: 'A-rep' });
    const folded = { flows: [{ flow_uid: 'C9', source_ip: '10.0.0.9', source_port: 1, destination_ip: '10.0.0.1', destination_port: 443, transport: 'tcp' }], omitted: 0 };
    const updated = alertRecordOfRow<typeof rec>({ record: encodeRecord('alert', rec), repeats: 9, folded: JSON.stringify(folded) });
    expect(updated.groundwatch.repeats).toBe(9);
    expect(updated.groundwatch.folded).toEqual(folded);
    const legacy = { ...rec, groundwatch: { ...rec.groundwatch, repeats: 4 } };
    expect(alertRecordOfRow({ record: JSON.stringify(legacy), repeats: 4, folded: null })).toEqual(legacy);
  });
});
