/**
 * The parts of dns-packet used here. `name` and `answer` are exported by the
 * library (index.js) but missing from @types/dns-packet, hence this narrow view.
 */
import dnsPacket from 'dns-packet';

interface NameCodec {
  decode(buf: Buffer, offset: number): string;
}

interface AnswerCodec {
  decode(buf: Buffer, offset: number): { type: string; data?: unknown };
}

const lib = dnsPacket as unknown as { name: NameCodec; answer: AnswerCodec };

export function decodeWireName(buf: Buffer, offset: number): string {
  return lib.name.decode(buf, offset);
}

export function decodeWireAnswerData(buf: Buffer, offset: number): unknown {
  return lib.answer.decode(buf, offset).data;
}
