/**
 * Writes pcapng (draft-ietf-opsawg-pcapng): one Section Header Block, one
 * Interface Description Block per link type (if_tsresol 9: nanoseconds, as
 * groundwatch keeps time), and an Enhanced Packet Block per packet whose
 * Original Packet Length is the length on the wire, so a cut packet still
 * shows its real size, and whose opt_comment says why it is there.
 * Little-endian throughout; every block and option is padded to 32 bits.
 */

export interface SlicePacket {
  tsSec: number;
  tsNsec: number;
  linkType: number;
  /** Bytes kept (all of the frame, or its headers). */
  data: Uint8Array;
  /** Length of the frame on the wire. */
  origLen: number;
  comment?: string;
}

export interface PcapngOptions {
  /** shb_userappl */
  application: string;
  /** Section comment (opt_comment in the SHB). */
  comment?: string;
  /** IDB snaplen per link type; 0 means "no limit" (the spec's meaning). */
  snaplen: (linkType: number) => number;
}

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_TSRESOL = 9;
const NS_PER_SEC = 1_000_000_000n;

export function writePcapng(packets: readonly SlicePacket[], opts: PcapngOptions): Buffer {
  const blocks: Buffer[] = [sectionHeader(opts)];
  const interfaceOf = new Map<number, number>();
  for (const p of packets) {
    let id = interfaceOf.get(p.linkType);
    if (id === undefined) {
      id = interfaceOf.size;
      interfaceOf.set(p.linkType, id);
      blocks.push(interfaceDescription(p.linkType, opts.snaplen(p.linkType)));
    }
    blocks.push(enhancedPacket(id, p));
  }
  return Buffer.concat(blocks);
}

function sectionHeader(opts: PcapngOptions): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
  body.writeUInt16LE(1, 4); // major
  body.writeUInt16LE(0, 6); // minor
  body.writeBigInt64LE(-1n, 8); // section length not specified
  const options = [textOption(SHB_USERAPPL, opts.application)];
  if (opts.comment !== undefined) options.push(textOption(OPT_COMMENT, opts.comment));
  return block(BT_SHB, Buffer.concat([body, ...options, endOfOptions()]));
}

function interfaceDescription(linkType: number, snaplen: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt16LE(0, 2); // reserved
  body.writeUInt32LE(snaplen, 4);
  return block(BT_IDB, Buffer.concat([body, option(IF_TSRESOL, Buffer.from([9])), endOfOptions()]));
}

function enhancedPacket(interfaceId: number, p: SlicePacket): Buffer {
  const ts = BigInt(p.tsSec) * NS_PER_SEC + BigInt(p.tsNsec);
  const head = Buffer.alloc(20);
  head.writeUInt32LE(interfaceId, 0);
  head.writeUInt32LE(Number(ts >> 32n), 4);
  head.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  head.writeUInt32LE(p.data.length, 12);
  head.writeUInt32LE(Math.max(p.origLen, p.data.length), 16);
  const parts = [head, Buffer.from(p.data.buffer, p.data.byteOffset, p.data.length), padding(p.data.length)];
  if (p.comment !== undefined) parts.push(textOption(OPT_COMMENT, p.comment), endOfOptions());
  return block(BT_EPB, Buffer.concat(parts));
}

/** Block Type, Block Total Length, body, Block Total Length again. */
function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

function textOption(code: number, text: string): Buffer {
  return option(code, Buffer.from(text, 'utf8'));
}

function option(code: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(code, 0);
  head.writeUInt16LE(value.length, 2);
  return Buffer.concat([head, value, padding(value.length)]);
}

function endOfOptions(): Buffer {
  return Buffer.alloc(4, OPT_ENDOFOPT);
}

function padding(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
