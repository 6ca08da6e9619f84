/**
 * Classic pcap (draft-ietf-opsawg-pcap) as a push parser: both byte orders,
 * micro- and nanosecond magics, and Kuznetzov's modified records (8 extra
 * header bytes per record, which libpcap still reads).
 */
import type { RawPacket } from '../types.js';
import type { Cursor } from '../decode/cursor.js';
import { PCAP_MAGIC_KUZNETZOV, PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO } from './format.js';
import { RecordParser, rawPacket, type RecordParserOptions } from './record-parser.js';

const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const KUZNETZOV_EXTRA_BYTES = 8;
/** Only the low 16 bits name the link type; the upper bits carry FCS information. */
const LINKTYPE_MASK = 0xffff;
const NS_PER_SEC = 1_000_000_000;

export class PcapParser extends RecordParser {
  /** Filled in from the file header. */
  linkType = -1;
  snaplen = 0;
  nanosecond = false;
  littleEndian = false;
  private headerSeen = false;
  private recordHeader = RECORD_HEADER_BYTES;

  constructor(opts: RecordParserOptions) {
    super(opts);
  }

  /** True once the 24-byte file header has been read. */
  get hasHeader(): boolean {
    return this.headerSeen;
  }

  protected headerBytes(): number {
    return this.headerSeen ? this.recordHeader : FILE_HEADER_BYTES;
  }

  protected recordLength(cur: Cursor): number {
    if (!this.headerSeen) return FILE_HEADER_BYTES;
    cur.skip(8);
    return this.recordHeader + cur.u32e(this.littleEndian);
  }

  protected record(cur: Cursor, out: RawPacket[]): boolean {
    if (!this.headerSeen) return this.fileHeader(cur);
    const le = this.littleEndian;
    let tsSec = cur.u32e(le);
    const fraction = cur.u32e(le);
    const capLen = cur.u32e(le);
    const wireLen = cur.u32e(le);
    if (this.recordHeader !== RECORD_HEADER_BYTES) cur.skip(KUZNETZOV_EXTRA_BYTES);
    const data = cur.bytes(capLen);
    let tsNsec = this.nanosecond ? fraction : fraction * 1000;
    if (tsNsec >= NS_PER_SEC) {
      // Writers that overflow the fraction still mean "this many units later".
      this.anomaly('anomaly.capture.bad_timestamp');
      tsSec += Math.floor(tsNsec / NS_PER_SEC);
      tsNsec %= NS_PER_SEC;
    }
    if (wireLen < capLen) this.anomaly('anomaly.capture.wire_len_lt_caplen');
    out.push(rawPacket(tsSec, tsNsec, this.linkType, data, wireLen, 0, this.sourceIndex, ++this.packetsRead));
    return true;
  }

  private fileHeader(cur: Cursor): boolean {
    const start = cur.pos;
    const asBigEndian = cur.u32();
    cur.pos = start;
    const asLittleEndian = cur.u32le();
    const magic = isPcapMagic(asBigEndian) ? asBigEndian : asLittleEndian;
    if (!isPcapMagic(magic)) {
      this.stop('corrupt', 'not a pcap file header');
      return false;
    }
    this.littleEndian = magic !== asBigEndian;
    this.nanosecond = magic === PCAP_MAGIC_NANO;
    if (magic === PCAP_MAGIC_KUZNETZOV) this.recordHeader = RECORD_HEADER_BYTES + KUZNETZOV_EXTRA_BYTES;
    cur.skip(4 + 8); // version, then thiszone and sigfigs (always 0 in practice)
    this.snaplen = cur.u32e(this.littleEndian);
    this.linkType = cur.u32e(this.littleEndian) & LINKTYPE_MASK;
    this.headerSeen = true;
    return true;
  }
}

function isPcapMagic(v: number): boolean {
  return v === PCAP_MAGIC_MICRO || v === PCAP_MAGIC_NANO || v === PCAP_MAGIC_KUZNETZOV;
}
