/** src/sinks/line-ledger.ts: a line counts as written only once all its bytes are (a partial write leaves it unwritten). */
import { describe, expect, it } from 'vitest';
import { LineLedger } from '../../src/sinks/line-ledger.js';

describe('LineLedger', () => {
  it('consumes whole lines from byte counts, keeps a partly written line unwritten', () => {
    const l = new LineLedger();
    for (const n of [10, 20, 30]) l.added(n);
    l.written(15); // line 1 whole, 5 bytes of line 2
    expect(l.unwritten).toBe(2);
    l.written(14); // line 2 still one byte short
    expect(l.unwritten).toBe(2);
    l.written(1);
    expect(l.unwritten).toBe(1);
    l.droppedNewest(); // the writer refused line 3
    expect(l.unwritten).toBe(0);
  });

  it('stays exact over many lines (compaction)', () => {
    const l = new LineLedger();
    for (let i = 0; i < 20_000; i++) l.added(7);
    l.written(7 * 15_000 + 3);
    expect(l.unwritten).toBe(5_000);
    l.clear();
    expect(l.unwritten).toBe(0);
  });
});
