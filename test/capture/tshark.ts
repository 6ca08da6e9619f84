/**
 * tshark as the independent oracle for capture reading: one row per frame
 * tshark reads (custom blocks included, flagged by their PEN).
 */
import type { RawPacket } from '../../src/types.js';
import { tsharkFieldRowsAsync } from '../support/tshark.js';

export interface TsharkFrame {
  /** frame.time_epoch as tshark prints it, or '' when the frame has no time (SPB, custom block). */
  time: string;
  capLen: number;
  len: number;
  /** '' when tshark shows none (classic pcap). */
  interfaceId: string;
  customBlock: boolean;
  /** frame.encap_type: Wireshark's WTAP_ENCAP number, '' for custom blocks. */
  encap: string;
}

/** WTAP_ENCAP_* (wiretap/wtap.h) to LINKTYPE_* (tcpdump.org linktypes), for the encapsulations the tests use. */
export const LINKTYPE_OF_WTAP_ENCAP: Record<string, number> = { '1': 1, '15': 0 };

export async function tsharkFrames(path: string): Promise<TsharkFrame[]> {
  const fields = ['frame.time_epoch', 'frame.cap_len', 'frame.len', 'frame.interface_id', 'frame.cb_pen', 'frame.encap_type'];
  const { rows } = await tsharkFieldRowsAsync(path, fields);
  return rows.map(([time = '', capLen = '', len = '', interfaceId = '', pen = '', encap = '']) => ({
    time,
    capLen: Number(capLen),
    len: Number(len),
    interfaceId,
    customBlock: pen !== '',
    encap,
  }));
}

/** A packet time in tshark's frame.time_epoch notation. */
export function epoch(p: Pick<RawPacket, 'tsSec' | 'tsNsec'>): string {
  return `${p.tsSec}.${String(p.tsNsec).padStart(9, '0')}`;
}

/**
 * Compare packets with tshark's frames; returns a list of differences (empty when equal).
 * With checkLinkType, every frame's encapsulation must be one LINKTYPE_OF_WTAP_ENCAP knows.
 */
export function diffAgainstTshark(packets: RawPacket[], frames: TsharkFrame[], checkLinkType = false): string[] {
  const real = frames.filter((f) => !f.customBlock);
  const diffs: string[] = [];
  if (real.length !== packets.length) diffs.push(`count: tshark ${real.length}, ours ${packets.length}`);
  real.forEach((f, i) => {
    const p = packets[i];
    if (p === undefined) return;
    // tshark prints no time for an SPB; the reader reuses the previous packet's time.
    const expectedTime = f.time !== '' ? f.time : i > 0 ? epoch(packets[i - 1]!) : '0.000000000';
    if (epoch(p) !== expectedTime) diffs.push(`#${i + 1} time: tshark ${f.time || '(none)'}, ours ${epoch(p)}`);
    if (p.data.length !== f.capLen) diffs.push(`#${i + 1} caplen: tshark ${f.capLen}, ours ${p.data.length}`);
    if (p.wireLen !== f.len) diffs.push(`#${i + 1} len: tshark ${f.len}, ours ${p.wireLen}`);
    const iface = f.interfaceId === '' ? 0 : Number(f.interfaceId);
    if (p.interfaceId !== iface) diffs.push(`#${i + 1} interface: tshark ${f.interfaceId}, ours ${p.interfaceId}`);
    if (checkLinkType && LINKTYPE_OF_WTAP_ENCAP[f.encap] !== p.linkType) {
      diffs.push(`#${i + 1} link type: tshark encap ${f.encap}, ours LINKTYPE ${p.linkType}`);
    }
  });
  return diffs;
}
