/**
 * pcapng (draft-ietf-opsawg-pcapng) as a push parser. Byte order is per
 * section; interfaces are per section, each with its own link type, snaplen
 * and timestamp resolution. Packet blocks (EPB, SPB, obsolete PB) become
 * packets; every other block is skipped by its length.
 */
import type { RawPacket } from '../types.js';
import type { Cursor } from '../decode/cursor.js';
import { PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_SHB_TYPE } from './format.js';
import { RecordParser, rawPacket, type RecordParserOptions } from './record-parser.js';
import { readInterface, type PcapngInterface } from './pcapng-interface.js';
import { isRecordableTime, unitsToTimestamp, type Timestamp } from './pcapng-time.js';

const BLOCK_IDB = 0x00000001;
const BLOCK_PB = 0x00000002;
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
/** Type, length, and the SHB byte-order magic: enough to read any block's length. */
const BLOCK_PEEK_BYTES = 12;
const MIN_BLOCK_BYTES = 12;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

export interface PcapngParserOptions extends RecordParserOptions {
  /** Interfaces per section; more is treated as a corrupt file. Default 4096. */
  maxInterfaces?: number;
}

export class PcapngParser extends RecordParser {
  /** Link types of every interface seen, in all sections. */
  readonly linkTypes = new Set<number>();
  sections = 0;
  private littleEndian = false;
  private interfaces: PcapngInterface[] = [];
  private readonly maxInterfaces: number;
  /** SPBs carry no timestamp: they reuse the previous packet's. */
  private readonly lastTs: Timestamp = { sec: 0, nsec: 0 };
  private readonly packetTs: Timestamp = { sec: 0, nsec: 0 };

  constructor(opts: PcapngParserOptions) {
    super(opts);
    this.maxInterfaces = opts.maxInterfaces ?? 4096;
  }

  protected headerBytes(): number {
    return BLOCK_PEEK_BYTES;
  }

  protected recordLength(cur: Cursor): number {
    const start = cur.pos;
    const type = cur.u32();
    let le = this.littleEndian;
    if (type === PCAPNG_SHB_TYPE) {
      cur.skip(4);
      const magic = cur.u32();
      if (magic !== PCAPNG_BYTE_ORDER_MAGIC && magic !== BYTE_ORDER_MAGIC_SWAPPED) {
        return this.badLength(`section header at offset ${this.offset} has a bad byte-order magic`);
      }
      le = magic === BYTE_ORDER_MAGIC_SWAPPED;
      cur.pos = start + 4;
    } else if (this.sections === 0) {
      return this.badLength('file does not start with a section header block');
    }
    const length = cur.u32e(le);
    if (length < MIN_BLOCK_BYTES || length % 4 !== 0) {
      return this.badLength(`block at offset ${this.offset} has an impossible length ${length}`);
    }
    return length;
  }

  protected record(cur: Cursor, out: RawPacket[]): boolean {
    const start = cur.pos;
    const length = cur.end - start;
    const typeBigEndian = cur.u32();
    if (typeBigEndian === PCAPNG_SHB_TYPE) {
      cur.skip(4);
      this.littleEndian = cur.u32() === BYTE_ORDER_MAGIC_SWAPPED;
    }
    const le = this.littleEndian;
    cur.pos = cur.end - 4;
    if (cur.u32e(le) !== length) {
      return this.badBlock(`block at offset ${this.offset}: trailing length differs from leading length ${length}`);
    }
    cur.pos = start;
    const type = cur.u32e(le);
    cur.pos = start + 8;
    cur.end -= 4;
    switch (type) {
      case PCAPNG_SHB_TYPE:
        return this.sectionHeader(cur);
      case BLOCK_IDB:
        return this.interfaceDescription(cur);
      case BLOCK_EPB:
        return this.enhancedPacket(cur, out);
      case BLOCK_SPB:
        return this.simplePacket(cur, out);
      case BLOCK_PB:
        return this.obsoletePacket(cur, out);
      default:
        return true; // NRB, ISB, DSB, custom and unknown blocks carry no packet
    }
  }

  private sectionHeader(cur: Cursor): boolean {
    cur.skip(4);
    const major = cur.u16e(this.littleEndian);
    if (major !== 1) return this.badBlock(`section header at offset ${this.offset} has unsupported version ${major}`);
    this.sections++;
    this.interfaces = [];
    return true;
  }

  private interfaceDescription(cur: Cursor): boolean {
    if (this.interfaces.length >= this.maxInterfaces) {
      this.counters.inc('capture.limit.max_interfaces');
      return this.badBlock(`more than ${this.maxInterfaces} interfaces in one section`);
    }
    const iface = readInterface(cur, this.littleEndian, () => this.anomaly('anomaly.capture.bad_option'));
    this.interfaces.push(iface);
    this.linkTypes.add(iface.linkType);
    return true;
  }

  private enhancedPacket(cur: Cursor, out: RawPacket[]): boolean {
    const le = this.littleEndian;
    const interfaceId = cur.u32e(le);
    return this.timedPacket(cur, out, interfaceId);
  }

  private obsoletePacket(cur: Cursor, out: RawPacket[]): boolean {
    const le = this.littleEndian;
    const interfaceId = cur.u16e(le);
    cur.skip(2); // drops count
    return this.timedPacket(cur, out, interfaceId);
  }

  /** The part EPB and the obsolete PB share: timestamp, lengths, data. */
  private timedPacket(cur: Cursor, out: RawPacket[], interfaceId: number): boolean {
    const le = this.littleEndian;
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) return this.badBlock(`packet at offset ${this.offset} names unknown interface ${interfaceId}`);
    const high = cur.u32e(le);
    const low = cur.u32e(le);
    const capLen = cur.u32e(le);
    const wireLen = cur.u32e(le);
    const data = cur.bytes(capLen);
    unitsToTimestamp(high, low, iface.resolution, iface.offsetSec, this.packetTs);
    if (isRecordableTime(this.packetTs.sec)) {
      this.lastTs.sec = this.packetTs.sec;
      this.lastTs.nsec = this.packetTs.nsec;
    } else {
      // A time no record can carry (2^64-1 units, a huge if_tsoffset): the packet is kept, at the previous packet's time.
      this.anomaly('anomaly.capture.timestamp_out_of_range');
    }
    if (wireLen < capLen) this.anomaly('anomaly.capture.wire_len_lt_caplen');
    out.push(rawPacket(this.lastTs.sec, this.lastTs.nsec, iface.linkType, data, wireLen, interfaceId, this.sourceIndex, ++this.packetsRead));
    return true;
  }

  private simplePacket(cur: Cursor, out: RawPacket[]): boolean {
    const iface = this.interfaces[0];
    if (iface === undefined) return this.badBlock(`simple packet at offset ${this.offset} before any interface`);
    const wireLen = cur.u32e(this.littleEndian);
    let capLen = Math.min(wireLen, cur.remaining);
    if (iface.snaplen > 0) capLen = Math.min(capLen, iface.snaplen);
    const data = cur.bytes(capLen);
    out.push(rawPacket(this.lastTs.sec, this.lastTs.nsec, iface.linkType, data, wireLen, 0, this.sourceIndex, ++this.packetsRead));
    return true;
  }

  /** A section or interface header too long to read leaves every later packet without its interface: stop instead. */
  protected override maySkip(buf: Uint8Array, off: number): boolean {
    const type = new DataView(buf.buffer, buf.byteOffset + off, 4).getUint32(0, this.littleEndian);
    return type !== PCAPNG_SHB_TYPE && type !== BLOCK_IDB;
  }

  private badLength(detail: string): number {
    this.stop('corrupt', detail);
    return -1;
  }

  private badBlock(detail: string): boolean {
    this.stop('corrupt', detail);
    return false;
  }
}
