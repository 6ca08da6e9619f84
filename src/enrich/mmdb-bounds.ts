/**
 * Open-time bounds on an MMDB's data. The `maxmind` reader decodes a record by
 * following pointers recursively with no memo: a 1.4 KB file whose records
 * share pointers (a DAG) expands to 2^40 values in one lookup, and a pointer
 * to itself never ends. Every record the search tree can reach is walked here
 * once, with the expanded size of each pointer target memoised, so the check
 * is linear in the file while it proves that no lookup can decode more than
 * MMDB_BOUNDS values, string bytes or nesting levels. Lookups then need no
 * per-call budget, and the hot path stays the reader's own.
 */

export interface MmdbBounds {
  /** Nesting levels of maps and arrays in one decoded record (pointers followed). */
  maxDepth: number;
  /** Values (map keys and values, array items, scalars) one decoded record may expand to. */
  maxValues: number;
  /** String and byte payload one decoded record may expand to. */
  maxBytes: number;
}

/** A GeoIP2 Enterprise record is a few hundred values and a few KB; these leave two orders of magnitude. */
export const MMDB_BOUNDS: MmdbBounds = { maxDepth: 32, maxValues: 20_000, maxBytes: 1024 * 1024 };

export const METADATA_MARKER = Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1');
const DATA_SECTION_SEPARATOR = 16;
const POINTER_BASE = [0, 2048, 526336, 0] as const;

/** What one value expands to when decoded with every pointer followed. */
interface Expansion {
  values: number;
  bytes: number;
  depth: number;
}

interface Section {
  buf: Buffer;
  /** Pointers are relative to this offset. */
  base: number;
  /** First byte past the section. */
  end: number;
}

class BoundsExceeded extends Error {}

/**
 * Walks values of one section, memoising what each pointer target expands to.
 * Allocation-free but for the memo: a City database is millions of values.
 */
class ExpansionWalker {
  private readonly memo = new Map<number, Expansion>();
  private readonly inProgress = new Set<number>();
  /** Running totals of the value being walked (a record, or a pointer target being memoised). */
  private values = 0;
  private bytes = 0;
  /** Offset just past the value walked last. */
  private next = 0;

  constructor(
    private readonly s: Section,
    private readonly bounds: MmdbBounds,
  ) {}

  /** Checks a record the search tree points to (the caller walks each offset once); throws BoundsExceeded. */
  record(offset: number): void {
    this.values = 0;
    this.bytes = 0;
    this.walk(offset, 0);
  }

  /** Walks the value at `offset`, which sits `depth` levels down its record; returns its own nesting levels. */
  private walk(offset: number, depth: number): number {
    const { buf, end } = this.s;
    if (depth >= this.bounds.maxDepth) throw this.tooDeep();
    this.need(offset, 1);
    const ctrl = buf[offset]!;
    let type = ctrl >> 5;
    let at = offset + 1;
    if (type === 1) return this.pointer(ctrl, at, depth);
    if (type === 0) {
      this.need(at, 1);
      type = buf[at]! + 7;
      if (type < 8) throw new BoundsExceeded(`invalid extended type at data offset ${offset - this.s.base}`);
      at += 1;
    }
    const size = this.size(ctrl, at);
    at = this.next;
    this.values += 1;
    switch (type) {
      case 7: // map: keys and values
      case 11: {
        // array
        const count = type === 7 ? size * 2 : size;
        let levels = 1;
        for (let i = 0; i < count; i++) {
          const inner = this.walk(at, depth + 1);
          if (inner + 1 > levels) levels = inner + 1;
          at = this.next;
        }
        this.check();
        this.next = at;
        return levels;
      }
      case 14: // boolean: the size is the value
        this.next = at;
        return 1;
      case 2:
      case 4:
      case 3:
      case 5:
      case 6:
      case 8:
      case 9:
      case 10:
      case 15:
        if (at + size > end) throw new BoundsExceeded(`a value at data offset ${offset - this.s.base} runs past the data section`);
        if (type === 2 || type === 4) this.bytes += size; // strings and bytes
        this.check();
        this.next = at + size;
        return 1;
      default:
        throw new BoundsExceeded(`unknown data type ${type} at data offset ${offset - this.s.base}`);
    }
  }

  private pointer(ctrl: number, at: number, depth: number): number {
    const { buf } = this.s;
    const len = (ctrl >> 3) & 3;
    this.need(at, len + 1);
    let packed: number;
    if (len === 0) packed = ((ctrl & 7) << 8) | buf[at]!;
    else if (len === 1) packed = ((ctrl & 7) << 16) | buf.readUInt16BE(at);
    else if (len === 2) packed = (ctrl & 7) * 2 ** 24 + buf.readUIntBE(at, 3);
    else packed = buf.readUInt32BE(at);
    const target = this.s.base + POINTER_BASE[len]! + packed;
    if (target >= this.s.end) throw new BoundsExceeded(`a pointer leads past the data section (to data offset ${target - this.s.base})`);
    if (buf[target]! >> 5 === 1) throw new BoundsExceeded(`a pointer leads to a pointer (invalid MMDB) at data offset ${target - this.s.base}`);
    // A pointer is not a nesting level: the value it leads to stands where the pointer is.
    const e = this.expansionAt(target, depth);
    if (depth + e.depth > this.bounds.maxDepth) throw this.tooDeep();
    this.values += e.values;
    this.bytes += e.bytes;
    this.check();
    this.next = at + len + 1;
    return e.depth;
  }

  /** What the value at a pointer target expands to, memoised. */
  private expansionAt(target: number, depth: number): Expansion {
    const known = this.memo.get(target);
    if (known) return known;
    if (this.inProgress.has(target)) throw new BoundsExceeded(`pointer cycle at data offset ${target - this.s.base}`);
    this.inProgress.add(target);
    const outerValues = this.values;
    const outerBytes = this.bytes;
    this.values = 0;
    this.bytes = 0;
    const levels = this.walk(target, depth);
    const e: Expansion = { values: this.values, bytes: this.bytes, depth: levels };
    this.values = outerValues;
    this.bytes = outerBytes;
    this.inProgress.delete(target);
    this.memo.set(target, e);
    return e;
  }

  /** The size field of a control byte (pointers excepted), as the MMDB spec encodes it; sets `next` to the payload. */
  private size(ctrl: number, at: number): number {
    const small = ctrl & 0x1f;
    if (small < 29) {
      this.next = at;
      return small;
    }
    this.need(at, small - 28);
    if (small === 29) {
      this.next = at + 1;
      return 29 + this.s.buf[at]!;
    }
    if (small === 30) {
      this.next = at + 2;
      return 285 + this.s.buf.readUInt16BE(at);
    }
    this.next = at + 3;
    return 65821 + this.s.buf.readUIntBE(at, 3);
  }

  private need(at: number, n: number): void {
    if (at + n > this.s.end) throw new BoundsExceeded(`a value at data offset ${at - this.s.base} runs past the data section`);
  }

  private check(): void {
    const b = this.bounds;
    if (this.values > b.maxValues) throw new BoundsExceeded(`a record expands to more than ${b.maxValues} values (shared pointers?)`);
    if (this.bytes > b.maxBytes) throw new BoundsExceeded(`a record expands to more than ${b.maxBytes} bytes of strings`);
  }

  private tooDeep(): BoundsExceeded {
    return new BoundsExceeded(`records nest deeper than ${this.bounds.maxDepth} levels`);
  }
}

/** Where the metadata map starts (just after the last marker), or -1. */
export function metadataStart(buf: Buffer): number {
  const i = buf.lastIndexOf(METADATA_MARKER);
  return i < 0 ? -1 : i + METADATA_MARKER.length;
}

/** Checks the metadata map before any reader decodes it: it is decoded with the same unbounded code. */
export function checkMetadataBounds(buf: Buffer, bounds: MmdbBounds = MMDB_BOUNDS): string | undefined {
  const start = metadataStart(buf);
  if (start < 0) return undefined; // the reader reports the missing marker itself
  return attempt(() => new ExpansionWalker({ buf, base: start, end: buf.length }, bounds).record(start));
}

export interface TreeShape {
  nodeCount: number;
  recordSize: number;
}

/**
 * Checks every data record any search-tree record points to. Returns the
 * reason the database is refused, or undefined when every lookup is bounded.
 */
export function checkDataBounds(buf: Buffer, tree: TreeShape, bounds: MmdbBounds = MMDB_BOUNDS): string | undefined {
  const nodeBytes = (tree.recordSize * 2) / 8;
  const treeSize = tree.nodeCount * nodeBytes;
  const meta = buf.lastIndexOf(METADATA_MARKER);
  const base = treeSize + DATA_SECTION_SEPARATOR;
  const end = meta < 0 ? buf.length : meta;
  if (![24, 28, 32].includes(tree.recordSize)) return `unsupported record size ${tree.recordSize}`;
  if (base > end) return 'search tree runs past the data section';
  const walker = new ExpansionWalker({ buf, base, end }, bounds);
  const leaves = new LeafWalker(walker, tree.nodeCount, nodeBytes, base, end);
  return attempt(() => leaves.scan(buf, tree.recordSize));
}

/** Visits each distinct data record the search tree points to, once. */
class LeafWalker {
  /** One bit per data byte: a record shared by many leaves (a country) is walked once. */
  private readonly walked: Uint8Array;
  /** A record value at or past this points into the data (past the 16-byte separator). */
  private readonly firstData: number;

  constructor(
    private readonly walker: ExpansionWalker,
    private readonly nodeCount: number,
    private readonly nodeBytes: number,
    private readonly base: number,
    private readonly end: number,
  ) {
    this.walked = new Uint8Array((Math.max(0, end - base) >> 3) + 1);
    this.firstData = nodeCount + DATA_SECTION_SEPARATOR;
  }

  /** The hot loop of the check (a country database has a million nodes): plain byte arithmetic. */
  scan(buf: Buffer, recordSize: number): void {
    const u8 = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    const end = this.nodeCount * this.nodeBytes;
    if (recordSize === 24) {
      for (let at = 0; at < end; at += 6) {
        this.visit((u8[at]! << 16) | (u8[at + 1]! << 8) | u8[at + 2]!, at);
        this.visit((u8[at + 3]! << 16) | (u8[at + 4]! << 8) | u8[at + 5]!, at);
      }
    } else if (recordSize === 28) {
      for (let at = 0; at < end; at += 7) {
        const middle = u8[at + 3]!;
        this.visit(((middle & 0xf0) << 20) | (u8[at]! << 16) | (u8[at + 1]! << 8) | u8[at + 2]!, at);
        this.visit(((middle & 0x0f) << 24) | (u8[at + 4]! << 16) | (u8[at + 5]! << 8) | u8[at + 6]!, at);
      }
    } else {
      for (let at = 0; at < end; at += 8) {
        this.visit(buf.readUInt32BE(at), at);
        this.visit(buf.readUInt32BE(at + 4), at);
      }
    }
  }

  private visit(record: number, at: number): void {
    if (record <= this.nodeCount) return; // another node, or "no data"
    const index = record - this.firstData;
    if (index >= 0 && (this.walked[index >> 3]! & (1 << (index & 7))) !== 0) return;
    const offset = record - this.nodeCount + this.nodeCount * this.nodeBytes;
    if (offset >= this.end) throw new BoundsExceeded(`search tree node ${at / this.nodeBytes} points past the data section`);
    if (index >= 0) this.walked[index >> 3]! |= 1 << (index & 7);
    this.walker.record(offset);
  }
}

function attempt(walk: () => unknown): string | undefined {
  try {
    walk();
    return undefined;
  } catch (err) {
    if (err instanceof BoundsExceeded) return err.message;
    throw err;
  }
}
