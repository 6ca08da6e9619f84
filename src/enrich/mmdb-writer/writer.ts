import { DataEncoder, type MmdbValue } from './encoder.js';
import { SearchTree } from './search-tree.js';
import { ipv4RangeToCidrs, ipv6RangeToCidrs, ipv6Words } from './cidr.js';

export interface MmdbMetadataInput {
  databaseType: string;
  description: string;
  languages?: string[];
  /** Seconds since the epoch: the data's date, not the wall clock (reproducible builds). */
  buildEpoch: number;
  /** 28 by default, 32 when the tree + data do not fit; 24 only when asked for. */
  recordSize?: 24 | 28 | 32;
}

export interface MmdbBuildResult {
  bytes: Buffer;
  nodeCount: number;
  recordSize: number;
  records: number;
  cidrs: number;
}

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'); // \xAB\xCD\xEFMaxMind.com
const DATA_SEPARATOR = 16;

/** Writes an IPv6 MaxMind DB (format 2.0) with IPv4 at ::/96 and ::ffff:0:0/96 aliased to it. */
export class MmdbWriter {
  private readonly tree = new SearchTree();
  private readonly data = new DataEncoder();
  private readonly recordIndex = new Map<string, number>();
  private readonly dataOffsets: number[] = [];
  private cidrCount = 0;

  constructor(private readonly meta: MmdbMetadataInput) {}

  /** Adds a data record once per distinct `key` (dedupe) and returns its index. */
  addRecord(key: string, value: MmdbValue): number {
    const known = this.recordIndex.get(key);
    if (known !== undefined) return known;
    if (value.t === 'map') for (const [k] of value.v) this.data.internKey(k);
    const index = this.dataOffsets.length;
    this.dataOffsets.push(this.data.write(value));
    this.recordIndex.set(key, index);
    return index;
  }

  /** Inclusive IPv4 range as unsigned numbers; later ranges win where they overlap earlier ones. */
  insertIpv4Range(start: number, end: number, recordIndex: number): void {
    for (const c of ipv4RangeToCidrs(start, end)) {
      this.tree.insert(this.tree.ipv4Root, [c.start >>> 0], c.prefixLen, recordIndex);
      this.cidrCount++;
    }
  }

  insertIpv6Range(start: bigint, end: bigint, recordIndex: number): void {
    for (const c of ipv6RangeToCidrs(start, end)) {
      this.tree.insert(0, ipv6Words(c.start), c.prefixLen, recordIndex);
      this.cidrCount++;
    }
  }

  build(): MmdbBuildResult {
    this.tree.aliasIpv4Mapped();
    const { newIds, nodeCount, order } = this.tree.renumber();
    const dataBytes = this.data.bytes();
    const recordSize = this.meta.recordSize ?? pickRecordSize(nodeCount + DATA_SEPARATOR + dataBytes.length);
    const resolve = (slot: number): number => {
      if (slot > 0) return newIds[slot] as number;
      if (slot === 0) return nodeCount;
      return nodeCount + DATA_SEPARATOR + (this.dataOffsets[-slot - 1] as number);
    };
    const treeBytes = writeTree(order, (n) => this.tree.children(n), resolve, recordSize);
    const metadata = this.metadataBytes(nodeCount, recordSize);
    const bytes = Buffer.concat([treeBytes, Buffer.alloc(DATA_SEPARATOR), dataBytes, METADATA_MARKER, metadata]);
    return { bytes, nodeCount, recordSize, records: this.dataOffsets.length, cidrs: this.cidrCount };
  }

  private metadataBytes(nodeCount: number, recordSize: number): Uint8Array {
    const enc = new DataEncoder();
    enc.write({
      t: 'map',
      v: [
        ['binary_format_major_version', { t: 'uint16', v: 2 }],
        ['binary_format_minor_version', { t: 'uint16', v: 0 }],
        ['build_epoch', { t: 'uint64', v: BigInt(this.meta.buildEpoch) }],
        ['database_type', { t: 'utf8', v: this.meta.databaseType }],
        ['description', { t: 'map', v: [['en', { t: 'utf8', v: this.meta.description }]] }],
        ['ip_version', { t: 'uint16', v: 6 }],
        ['languages', { t: 'array', v: (this.meta.languages ?? ['en']).map((l) => ({ t: 'utf8', v: l })) }],
        ['node_count', { t: 'uint32', v: nodeCount }],
        ['record_size', { t: 'uint16', v: recordSize }],
      ],
    });
    return enc.bytes();
  }
}

function pickRecordSize(maxValue: number): 28 | 32 {
  if (maxValue < 2 ** 28) return 28;
  if (maxValue < 2 ** 32) return 32;
  throw new RangeError('database too large for 32-bit records');
}

function writeTree(
  order: Int32Array,
  children: (node: number) => [number, number],
  resolve: (slot: number) => number,
  recordSize: 24 | 28 | 32,
): Buffer {
  const nodeBytes = recordSize / 4;
  const out = Buffer.alloc(order.length * nodeBytes);
  const limit = 2 ** recordSize;
  for (let i = 0; i < order.length; i++) {
    const [l, r] = children(order[i] as number);
    const left = resolve(l);
    const right = resolve(r);
    if (left >= limit || right >= limit) throw new RangeError(`record value does not fit ${recordSize} bits`);
    writeNode(out, i * nodeBytes, left, right, recordSize);
  }
  return out;
}

/** Node layouts from the spec: 24 = 3+3 bytes; 28 = 3 + shared nibble byte + 3; 32 = 4+4 bytes. */
function writeNode(out: Buffer, at: number, left: number, right: number, recordSize: 24 | 28 | 32): void {
  if (recordSize === 32) {
    out.writeUInt32BE(left, at);
    out.writeUInt32BE(right, at + 4);
  } else if (recordSize === 24) {
    out.writeUIntBE(left, at, 3);
    out.writeUIntBE(right, at + 3, 3);
  } else {
    out.writeUIntBE(left & 0xffffff, at, 3);
    out[at + 3] = (((left >>> 24) & 0x0f) << 4) | ((right >>> 24) & 0x0f);
    out.writeUIntBE(right & 0xffffff, at + 4, 3);
  }
}
