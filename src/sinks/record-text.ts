/**
 * A record's JSON text, made at most once for all the sinks one write reaches: the NDJSON file
 * and the store's record blocks both hold JSON.stringify of the record, and serialising every flow
 * and DNS record twice was about 5 % of a full replay (issue 18). Made for one fan-out write and
 * dropped after it, so a record changed later (an alert's repeats) is serialised anew.
 */
import type { GroundwatchRecord } from '../records/ecs.js';

export class RecordText {
  /** `text`: the record's JSON made elsewhere (the store's writer thread gets records as their text). */
  constructor(
    private readonly rec: GroundwatchRecord,
    private text?: string,
  ) {}

  get(): string {
    this.text ??= JSON.stringify(this.rec);
    return this.text;
  }
}

/** The record's JSON text: shared when the caller made one, else its own. */
export function recordJson(rec: GroundwatchRecord, text: RecordText | undefined): string {
  return text === undefined ? JSON.stringify(rec) : text.get();
}
