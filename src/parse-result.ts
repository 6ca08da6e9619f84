/**
 * Parsers answer in three ways (msgpack's "need more bytes" vs "bad data",
 * Suricata's Incomplete vs Invalid): found, need more input, or invalid with a
 * named reason that the caller counts as an anomaly.
 */
export type ParseResult<T> =
  | { status: 'found'; value: T }
  | { status: 'need_more' }
  | { status: 'invalid'; reason: string };

export const NEED_MORE: { status: 'need_more' } = Object.freeze({ status: 'need_more' });

export function found<T>(value: T): { status: 'found'; value: T } {
  return { status: 'found', value };
}

export function invalid(reason: string): { status: 'invalid'; reason: string } {
  return { status: 'invalid', reason };
}
