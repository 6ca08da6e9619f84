/**
 * A tiny pcap / pcapng writer for building test inputs, written from the
 * format drafts (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng). Tests
 * check what it writes against tshark, so it is not trusted blindly.
 */

export interface PcapRecord {
  tsSec: number;
  /** Microseconds, or nanoseconds when the file is nanosecond. */
  tsFrac: number;
  data: Uint8Array;
  /** Original length; defaults to data.length. */
  wireLen?: number;
}

export interface PcapFileOptions {
  littleEndian?: boolean;
  nanosecond?: boolean;
  /** Alexey Kuznetzov's modified format: 8 more bytes per record header. */
  kuznetzov?: boolean;
  /** Written as-is into the 32-bit field (upper bits may carry FCS info). */
  linkType?: number;
  snaplen?: number;
  records: PcapRecord[];
}

class ByteWriter {
  private readonly parts: Buffer[] = [];
  constructor(public littleEndian: boolean) {}

  u16(v: number): this {
    const b = Buffer.alloc(2);
    if (this.littleEndian) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    this.parts.push(b);
    return this;
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    if (this.littleEndian) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
    return this;
  }

  u64(v: bigint): this {
    const b = Buffer.alloc(8);
    if (this.littleEndian) b.writeBigUInt64LE(BigInt.asUintN(64, v));
    else b.writeBigUInt64BE(BigInt.asUintN(64, v));
    this.parts.push(b);
    return this;
  }

  bytes(data: Uint8Array): this {
    this.parts.push(Buffer.from(data));
    return this;
  }

  pad4(length: number): this {
    const pad = (4 - (length % 4)) % 4;
    if (pad > 0) this.parts.push(Buffer.alloc(pad));
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const MAGIC = { micro: 0xa1b2c3d4, nano: 0xa1b23c4d, kuznetzov: 0xa1b2cd34 };

export function pcapFile(opts: PcapFileOptions): Buffer {
  const w = new ByteWriter(opts.littleEndian ?? true);
  const magic = opts.kuznetzov ? MAGIC.kuznetzov : opts.nanosecond ? MAGIC.nano : MAGIC.micro;
  w.u32(magic).u16(2).u16(4).u32(0).u32(0).u32(opts.snaplen ?? 262144).u32(opts.linkType ?? 1);
  for (const r of opts.records) {
    w.u32(r.tsSec).u32(r.tsFrac).u32(r.data.length).u32(r.wireLen ?? r.data.length);
    if (opts.kuznetzov) w.u32(0).u16(0).u16(0x0800); // ifindex, protocol, pkt_type + pad
    w.bytes(r.data);
  }
  return w.build();
}

export interface InterfaceOptions {
  snaplen?: number;
  /** if_name. */
  name?: string;
  /** Raw if_tsresol byte (e.g. 9 for 10^-9, 0x80 | 20 for 2^-20). */
  tsresol?: number;
  /** if_tsoffset in seconds. */
  tsoffset?: bigint;
}

/** Builds a pcapng file block by block; byte order can change at each section. */
export class PcapngWriter {
  private readonly blocks: Buffer[] = [];
  private littleEndian = true;

  section(littleEndian: boolean): this {
    this.littleEndian = littleEndian;
    const body = this.writer().u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n).build();
    return this.block(0x0a0d0d0a, body);
  }

  interface(linkType: number, opts: InterfaceOptions = {}): this {
    const w = this.writer().u16(linkType).u16(0).u32(opts.snaplen ?? 0);
    if (opts.name !== undefined) {
      const name = Buffer.from(opts.name, 'utf8');
      w.u16(2).u16(name.length).bytes(name).pad4(name.length);
    }
    if (opts.tsresol !== undefined) w.u16(9).u16(1).bytes(Uint8Array.of(opts.tsresol)).pad4(1);
    if (opts.tsoffset !== undefined) w.u16(14).u16(8).u64(opts.tsoffset);
    if (opts.name !== undefined || opts.tsresol !== undefined || opts.tsoffset !== undefined) w.u16(0).u16(0);
    return this.block(1, w.build());
  }

  /** Enhanced Packet Block; `units` is the raw 64-bit timestamp in the interface's resolution. */
  epb(interfaceId: number, units: bigint, data: Uint8Array, wireLen = data.length): this {
    const w = this.writer().u32(interfaceId).u32(Number(units >> 32n)).u32(Number(units & 0xffffffffn));
    w.u32(data.length).u32(wireLen).bytes(data).pad4(data.length);
    return this.block(6, w.build());
  }

  /** Obsolete Packet Block (type 2). */
  opb(interfaceId: number, units: bigint, data: Uint8Array, wireLen = data.length): this {
    const w = this.writer().u16(interfaceId).u16(0).u32(Number(units >> 32n)).u32(Number(units & 0xffffffffn));
    w.u32(data.length).u32(wireLen).bytes(data).pad4(data.length);
    return this.block(2, w.build());
  }

  /** Simple Packet Block: `data` is what is stored, `wireLen` the original length. */
  spb(data: Uint8Array, wireLen = data.length): this {
    const body = this.writer().u32(wireLen).bytes(data).pad4(data.length).build();
    return this.block(3, body);
  }

  /** Custom block (0x00000BAD copyable, 0x40000BAD not) with a private enterprise number. */
  custom(copyable: boolean, pen: number, payload: Uint8Array): this {
    const body = this.writer().u32(pen).bytes(payload).pad4(payload.length).build();
    return this.block(copyable ? 0x00000bad : 0x40000bad, body);
  }

  /** Any block; body must already be padded to 4 bytes. */
  block(type: number, body: Uint8Array): this {
    const length = 12 + body.length;
    this.blocks.push(this.writer().u32(type).u32(length).bytes(body).u32(length).build());
    return this;
  }

  /** Raw bytes appended as they are (for corrupt-block tests). */
  raw(bytes: Uint8Array): this {
    this.blocks.push(Buffer.from(bytes));
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.blocks);
  }

  private writer(): ByteWriter {
    return new ByteWriter(this.littleEndian);
  }
}

/** An Ethernet frame of `length` bytes whose bytes identify it (for data checks). */
export function frame(tag: number, length = 60): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (tag * 31 + i) & 0xff;
  if (length >= 14) {
    b[12] = 0x88; // EtherType 0x88b5 (local experimental): tshark shows it as data
    b[13] = 0xb5;
  }
  return b;
}
