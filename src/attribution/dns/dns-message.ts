/**
 * One DNS message (RFC 1035): header, questions and the ANSWER section, as
 * attribution needs them. Hostile input yields `invalid`, never an exception.
 */
import { isOutOfBounds } from '../../decode/cursor.js';
import { isProgrammingError, noteInternalError } from '../../telemetry/internal-errors.js';
import { found, invalid, type ParseResult } from '../../parse-result.js';
import { dnsOpcodeName, dnsRcodeName, dnsTypeName } from './dns-codes.js';
import { decodeWireName } from './dns-packet-api.js';
import { normaliseDnsName, rdataText } from './dns-rdata.js';
import { DnsFormatError, walkDnsLayout } from './dns-wire.js';

export interface DnsQuestion {
  name: string;
  type: string;
}

export interface DnsAnswer {
  name: string;
  type: string;
  ttl: number;
  /** Address text (canonical), target name, or a summary of other RDATA. */
  data: string;
}

export interface DnsMessage {
  id: number;
  isResponse: boolean;
  opcode: string;
  rcode: string;
  questions: DnsQuestion[];
  answers: DnsAnswer[];
  /** Answers ANCOUNT announced that the message does not hold (it ends or is cut first); 0 when whole. */
  answersMissing: number;
}

/** RFC 2181 section 8: a TTL with the top bit set is read as zero. */
const MAX_TTL = 0x7fffffff;

export function parseDnsMessage(payload: Uint8Array): ParseResult<DnsMessage> {
  try {
    return found(decodeMessage(payload));
  } catch (err) {
    if (isOutOfBounds(err)) return invalid('truncated');
    if (err instanceof DnsFormatError) return invalid(err.reason);
    if (isProgrammingError(err)) {
      // A bug, not bad input: survived and counted (anomaly.dns.internal_error), loud in tests.
      noteInternalError('dns', err);
      return invalid('internal_error');
    }
    // dns-packet reports bad names (forward pointers, over-long names) by throwing
    return invalid('malformed');
  }
}

function decodeMessage(payload: Uint8Array): DnsMessage {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const layout = walkDnsLayout(buf);
  const questions = layout.questions.map((q) => ({
    name: normaliseDnsName(decodeWireName(buf, q.nameOffset)),
    type: dnsTypeName(q.type),
  }));
  const answers = layout.answers.map((rr) => ({
    name: normaliseDnsName(decodeWireName(buf, rr.offset)),
    type: dnsTypeName(rr.type),
    ttl: rr.ttl > MAX_TTL ? 0 : rr.ttl,
    data: rdataText(buf, rr),
  }));
  return {
    id: layout.id,
    isResponse: (layout.flags & 0x8000) !== 0,
    opcode: dnsOpcodeName((layout.flags >> 11) & 0xf),
    rcode: dnsRcodeName(layout.flags & 0xf),
    questions,
    answers,
    answersMissing: layout.answersMissing,
  };
}
