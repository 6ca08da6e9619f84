/**
 * pcapng Interface Description Block: link type, snaplen and the options that
 * change how packet timestamps read (if_tsresol, if_tsoffset).
 */
import type { Cursor } from '../decode/cursor.js';
import { isOutOfBounds } from '../decode/cursor.js';
import { MICROSECOND_RESOLUTION, resolutionFromOption, type TsResolution } from './pcapng-time.js';

export interface PcapngInterface {
  linkType: number;
  /** 0 means no limit. */
  snaplen: number;
  resolution: TsResolution;
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetSec: number;
}

const OPT_END = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Read an IDB body (cur after the block type and length, end before the trailing length). */
export function readInterface(cur: Cursor, le: boolean, onBadOption: () => void): PcapngInterface {
  const linkType = cur.u16e(le);
  cur.skip(2);
  const snaplen = cur.u32e(le);
  const iface: PcapngInterface = { linkType, snaplen, resolution: MICROSECOND_RESOLUTION, offsetSec: 0 };
  try {
    readOptions(cur, le, iface, onBadOption);
  } catch (err) {
    // A cut option list loses only the options; the interface itself is sound.
    if (!isOutOfBounds(err)) throw err;
    onBadOption();
  }
  return iface;
}

function readOptions(cur: Cursor, le: boolean, iface: PcapngInterface, onBadOption: () => void): void {
  while (cur.remaining >= 4) {
    const code = cur.u16e(le);
    const length = cur.u16e(le);
    if (code === OPT_END) return;
    const start = cur.pos;
    if (code === OPT_IF_TSRESOL) {
      if (length === 1) iface.resolution = resolutionFromOption(cur.u8());
      else onBadOption();
    } else if (code === OPT_IF_TSOFFSET) {
      if (length === 8) iface.offsetSec = readInt64(cur, le);
      else onBadOption();
    }
    cur.pos = start;
    cur.skip(length);
    cur.skip(Math.min((4 - (length % 4)) % 4, cur.remaining));
  }
}

/** Signed 64-bit integer as a double (exact for any plausible seconds offset). */
function readInt64(cur: Cursor, le: boolean): number {
  const first = cur.u32e(le);
  const second = cur.u32e(le);
  const high = le ? second : first;
  const low = le ? first : second;
  return (high | 0) * 4294967296 + low;
}
