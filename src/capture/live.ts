/**
 * Live capture through libpcap (the `cap` binding): the only file that imports
 * `cap`, loaded lazily so `replay` works on a machine without libpcap.
 *
 * cap 0.2.1 gives no packet timestamp, no pcap_stats, and fixes snaplen 65535
 * and promiscuous mode; what it lacks is filled in here (wall-clock stamps,
 * a snaplen by the size of the copy buffer) or reported by the caller.
 * It aborts the process when the interface goes down, so the daemon runs this
 * in a child process (src/daemon/capture-worker.ts).
 */
import { GroundwatchError } from '../errors.js';

export const CAP_INSTALL_HINT = 'apt-get install libpcap-dev && npm rebuild cap';

/** cap's link-type names -> libpcap LINKTYPE_* numbers (what the decoder expects). */
const LINK_TYPES: Record<string, number> = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  IEEE802_11_RADIO: 127,
};

export interface LiveCaptureOptions {
  interfaceName: string;
  filter: string;
  /** Bytes kept of each frame (the copy buffer's size). */
  snaplen: number;
  /** libpcap kernel buffer size in bytes. */
  bufferBytes: number;
}

export interface LivePacket {
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  truncated: boolean;
}

export interface LiveCapture {
  readonly linkType: number;
  close(): void;
}

export interface InterfaceInfo {
  name: string;
  description?: string;
  addresses: string[];
  loopback: boolean;
}

interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
}
interface CapModule {
  Cap: { new (): CapHandle; deviceList(): { name: string; description?: string; addresses: { addr?: string }[]; flags?: string }[] };
}

let loaded: Promise<CapModule> | undefined;

/** A computed specifier: cap is optional and has no type declarations. */
function importCap(): Promise<unknown> {
  const specifier = 'cap';
  return import(specifier);
}

/** Loads `cap` once; a machine without it gets one CAPTURE_UNAVAILABLE line. */
export function loadCap(importer: () => Promise<unknown> = importCap): Promise<CapModule> {
  loaded ??= importer().then(
    (mod) => ((mod as { default?: CapModule }).default ?? mod) as CapModule,
    (err: unknown) => {
      loaded = undefined;
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new GroundwatchError('CAPTURE_UNAVAILABLE', `live capture needs libpcap and the cap module (${why}); install them with: ${CAP_INSTALL_HINT}`);
    },
  );
  return loaded;
}

export async function listInterfaces(): Promise<InterfaceInfo[]> {
  const { Cap } = await loadCap();
  return Cap.deviceList().map((d) => ({
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    addresses: d.addresses.map((a) => a.addr).filter((a): a is string => typeof a === 'string'),
    loopback: (d.flags ?? '').includes('PCAP_IF_LOOPBACK'),
  }));
}

/** Opens the interface; `onPacket` gets a view valid only during the call (copy to keep). */
export async function openLiveCapture(opts: LiveCaptureOptions, onPacket: (p: LivePacket) => void): Promise<LiveCapture> {
  const { Cap } = await loadCap();
  const cap = new Cap();
  const buffer = Buffer.alloc(opts.snaplen);
  let linkName: string;
  try {
    linkName = cap.open(opts.interfaceName, opts.filter, opts.bufferBytes, buffer);
  } catch (err) {
    // No cap.close() here: after a failed open it aborts the process (uv_poll_stop on a handle never
    // started). The half-open handle is left to the worker process, which exits on this error.
    throw new GroundwatchError('CAPTURE_OPEN_FAILED', `cannot capture on ${opts.interfaceName}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const linkType = LINK_TYPES[linkName];
  if (linkType === undefined) {
    cap.close();
    throw new GroundwatchError('CAPTURE_OPEN_FAILED', `cannot capture on ${opts.interfaceName}: unsupported link type (${linkName})`);
  }
  cap.on('packet', (nbytes, truncated) => {
    // cap hands over no timestamp: stamp on delivery (immediate mode keeps this within milliseconds).
    const ms = performance.timeOrigin + performance.now();
    const tsSec = Math.floor(ms / 1000);
    onPacket({ tsSec, tsNsec: Math.floor((ms - tsSec * 1000) * 1e6), data: buffer.subarray(0, nbytes), truncated });
  });
  return { linkType, close: () => void cap.close() };
}
