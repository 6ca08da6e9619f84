/**
 * Live capture through libpcap: groundwatch's own Node-API binding
 * (native/pcap, built by `npm run build:native`), loaded lazily so `replay`
 * works on a machine without libpcap.
 *
 * The binding writes packets straight into a caller's Buffer in the daemon's
 * frame format (src/daemon/frames.ts) with libpcap's own timestamps and wire
 * lengths, and reports pcap_stats. It waits with its own poll(), so a
 * dispatch() returns within `waitMs` even on an idle link (TPACKET_V3's
 * timeout alone never fires without traffic).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { GroundwatchError } from '../errors.js';

export const CAPTURE_INSTALL_HINT = 'apt-get install libpcap0.8 (the package ships a linux-x64 build); elsewhere apt-get install libpcap-dev g++ make python3 && npm run build:native';

/** Resolved from the package root: dist/capture/live.js and src/capture/live.ts both sit two levels under it. */
export const BINDING_DIR = fileURLToPath(new URL('../../native/pcap/', import.meta.url));

/**
 * The binding file node-gyp-build picks: a local build (native/pcap/build/Release, from
 * `npm run build:native`) first, else the prebuilt one the package ships
 * (native/pcap/prebuilds/<platform>-<arch>/). Throws when neither exists.
 */
export function bindingPath(): string {
  const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as { resolve(dir: string): string };
  return nodeGypBuild.resolve(BINDING_DIR);
}

/** Largest snaplen libpcap accepts on Linux (MAXIMUM_SNAPLEN). */
export const MAX_SNAPLEN = 262_144;
export const DEFAULT_TIMEOUT_MS = 100;

export interface LiveCaptureOptions {
  interfaceName: string;
  /** BPF filter (pcap-filter syntax); empty for everything. */
  filter: string;
  /** Bytes kept of each frame. */
  snaplen: number;
  /** libpcap kernel buffer size in bytes. */
  bufferBytes: number;
  /** Promiscuous mode (default true). */
  promiscuous?: boolean;
  /** libpcap's packet-buffer timeout, and how long dispatch() waits for a packet (default 100 ms). */
  timeoutMs?: number;
}

export interface CaptureStats {
  /** pcap_stats ps_recv: packets that passed the filter, including those then dropped. */
  received: number;
  /** ps_drop: packets the kernel dropped because the buffer was full. */
  dropped: number;
  /** ps_ifdrop: packets the interface (driver) dropped. */
  ifDropped: number;
  /** Packets cut to the snaplen (caplen < wire length). */
  truncated: number;
  /** Packets lost because dispatch()'s buffer had no room (0 when it is sized as documented). */
  overflowed: number;
}

export interface LiveCapture {
  readonly linkType: number;
  /** Timestamps at nanosecond precision (else microseconds, scaled). */
  readonly nanosecond: boolean;
  /** The snaplen libpcap applies (a dispatch buffer needs 20 + snaplen bytes per packet). */
  readonly snaplen: number;
  /** libpcap's activation warning, if any (e.g. promiscuous mode not supported). */
  readonly warning?: string;
  /** Writes up to maxPackets packet frames into `out`; returns the bytes written (0 after waitMs without a packet). Throws when the capture fails (e.g. the interface disappeared; a link that is merely down is not an error to libpcap). */
  dispatch(out: Buffer, maxPackets: number, waitMs?: number): number;
  stats(): CaptureStats;
  /** Idempotent. */
  close(): void;
}

export interface InterfaceInfo {
  name: string;
  description?: string;
  addresses: string[];
  loopback: boolean;
  up: boolean;
  running: boolean;
}

type Handle = object;
interface OpenResult {
  handle: Handle;
  linkType: number;
  nanosecond: boolean;
  snaplen: number;
  warning?: string;
}
interface PcapBinding {
  open(device: string, opts: { snaplen: number; promiscuous: boolean; bufferBytes: number; timeoutMs: number; filter: string }): OpenResult;
  dispatch(handle: Handle, out: Buffer, maxPackets: number, waitMs?: number): number;
  stats(handle: Handle): CaptureStats;
  close(handle: Handle): void;
  listInterfaces(): InterfaceInfo[];
  libVersion(): string;
  keepCapabilities(): void;
  restoreCaptureCapabilities(): void;
  dropAllCapabilities(): void;
  sdNotify(state: string): boolean;
}

/** Keeping CAP_NET_RAW across a switch to another user (see src/daemon/privileges.ts). */
export interface CaptureCapabilities {
  /** Before setgid/setuid. */
  keep(): void;
  /** After setuid: only CAP_NET_RAW remains, permitted and ambient (for workers), not effective. */
  restore(): void;
  /** A capture worker once its capture is open: no capability at all, and no_new_privs. */
  dropAll(): void;
}

export function captureCapabilities(): CaptureCapabilities {
  const binding = loadBinding();
  return { keep: () => binding.keepCapabilities(), restore: () => binding.restoreCaptureCapabilities(), dropAll: () => binding.dropAllCapabilities() };
}

let loaded: PcapBinding | undefined;

function requireBinding(): unknown {
  return createRequire(import.meta.url)(bindingPath());
}

/** Loads the binding once; a machine without it gets one CAPTURE_UNAVAILABLE line. */
export function loadBinding(load: () => unknown = requireBinding): PcapBinding {
  if (loaded && load === requireBinding) return loaded;
  try {
    const binding = load() as PcapBinding;
    if (load === requireBinding) loaded = binding;
    return binding;
  } catch (err) {
    const why = firstLine(err);
    throw new GroundwatchError('CAPTURE_UNAVAILABLE', `live capture needs libpcap and groundwatch's libpcap binding (${why}); install and build them with: ${CAPTURE_INSTALL_HINT}`);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

export function libpcapVersion(): string {
  return loadBinding().libVersion();
}

export function listInterfaces(): InterfaceInfo[] {
  return loadBinding().listInterfaces();
}

export function openLiveCapture(opts: LiveCaptureOptions): LiveCapture {
  const binding = loadBinding();
  let opened: OpenResult;
  try {
    if (!Number.isInteger(opts.snaplen) || opts.snaplen < 1 || opts.snaplen > MAX_SNAPLEN) throw new Error(`snaplen must be 1..${MAX_SNAPLEN} (got ${opts.snaplen})`);
    opened = binding.open(opts.interfaceName, {
      snaplen: opts.snaplen,
      promiscuous: opts.promiscuous ?? true,
      bufferBytes: opts.bufferBytes,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      filter: opts.filter,
    });
  } catch (err) {
    throw new GroundwatchError('CAPTURE_OPEN_FAILED', `cannot capture on ${opts.interfaceName}: ${firstLine(err)}`);
  }
  const { handle } = opened;
  return {
    linkType: opened.linkType,
    nanosecond: opened.nanosecond,
    snaplen: opened.snaplen,
    ...(opened.warning ? { warning: opened.warning } : {}),
    dispatch: (out, maxPackets, waitMs) => binding.dispatch(handle, out, maxPackets, waitMs),
    stats: () => binding.stats(handle),
    close: () => binding.close(handle),
  };
}
