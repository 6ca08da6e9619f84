/**
 * Walks the DNS wire layout (RFC 1035 section 4.1) with the bounds-checked Cursor:
 * header, QUESTION and ANSWER sections, recording where each name and RDATA sits.
 * dns-packet decodes names and RDATA afterwards; this walk is what makes RDLENGTH
 * honoured (dns-packet assumes 4 bytes for A and 16 for AAAA whatever RDLENGTH says).
 */
import { Cursor, isOutOfBounds } from '../../decode/cursor.js';

export class DnsFormatError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface WireQuestion {
  nameOffset: number;
  type: number;
}

export interface WireRecord {
  /** Offset of the record's owner name (start of the RR). */
  offset: number;
  type: number;
  ttl: number;
  rdataOffset: number;
  rdlength: number;
}

export interface WireLayout {
  id: number;
  flags: number;
  questions: WireQuestion[];
  answers: WireRecord[];
  /** ANCOUNT minus the whole answer records present (the message ends, or is cut, before them). */
  answersMissing: number;
}

export function walkDnsLayout(buf: Uint8Array): WireLayout {
  const c = new Cursor(buf);
  const id = c.u16();
  const flags = c.u16();
  const qdcount = c.u16();
  const ancount = c.u16();
  c.skip(4); // NSCOUNT, ARCOUNT: authority and additional sections are not attribution evidence
  const questions: WireQuestion[] = [];
  for (let i = 0; i < qdcount; i++) {
    const nameOffset = c.pos;
    skipName(c);
    const type = c.u16();
    c.skip(2);
    questions.push({ nameOffset, type });
  }
  // Answers present are kept when ANCOUNT claims more than the message holds, as tshark decodes them.
  const answers: WireRecord[] = [];
  for (let i = 0; i < ancount && c.remaining > 0; i++) {
    const record = readWholeRecord(c);
    if (record === undefined) break;
    answers.push(record);
  }
  return { id, flags, questions, answers, answersMissing: ancount - answers.length };
}

/** One answer record, or undefined when the message ends inside it. */
function readWholeRecord(c: Cursor): WireRecord | undefined {
  try {
    return readRecord(c);
  } catch (err) {
    if (isOutOfBounds(err)) return undefined;
    throw err;
  }
}

function readRecord(c: Cursor): WireRecord {
  const offset = c.pos;
  skipName(c);
  const type = c.u16();
  c.skip(2);
  const ttl = c.u32();
  const rdlength = c.u16();
  const rdataOffset = c.pos;
  c.skip(rdlength);
  return { offset, type, ttl, rdataOffset, rdlength };
}

/** Skips a possibly compressed name; each step consumes a byte, so it ends on any input. */
function skipName(c: Cursor): void {
  for (;;) {
    const len = c.u8();
    if (len === 0) return;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      c.skip(1);
      return;
    }
    if (kind !== 0) throw new DnsFormatError('bad_label_type');
    c.skip(len);
  }
}
