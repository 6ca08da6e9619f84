/**
 * src/capture/live.ts and the libpcap binding behind it (native/pcap). The
 * oracle for interfaces is the kernel's own list and flags (/sys/class/net,
 * what `ip link` shows); for captured bytes, the datagram we sent and the
 * header sizes of RFC 894 / 791 / 768; for frames, the daemon's FrameDecoder.
 */
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPTURE_INSTALL_HINT, libpcapVersion, listInterfaces, loadBinding, openLiveCapture, type LiveCaptureOptions } from '../../src/capture/live.js';
import { FrameDecoder } from '../../src/daemon/frames.js';
import { GroundwatchError } from '../../src/errors.js';

const IFF_UP = 0x1;
const opts = (o: Partial<LiveCaptureOptions>): LiveCaptureOptions => ({ interfaceName: 'lo', filter: '', snaplen: 65_535, bufferBytes: 1 << 20, ...o });

function openError(o: Partial<LiveCaptureOptions>): GroundwatchError {
  try {
    openLiveCapture(opts(o)).close();
  } catch (err) {
    expect(err).toBeInstanceOf(GroundwatchError);
    return err as GroundwatchError;
  }
  throw new Error('expected the open to fail');
}

describe('loadBinding', () => {
  it('turns a missing binding into one CAPTURE_UNAVAILABLE line saying how to build it', () => {
    const missing = () => {
      throw new Error("Cannot find module '/x/native/pcap/build/Release/groundwatch_pcap.node'\nRequire stack: ...");
    };
    const err = (() => {
      try {
        loadBinding(missing);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GroundwatchError);
    const line = (err as GroundwatchError).toLine();
    expect(line).toMatch(/^groundwatch: CAPTURE_UNAVAILABLE: /);
    expect(line).toContain(CAPTURE_INSTALL_HINT);
    expect(line).toContain('groundwatch_pcap.node');
    expect(line).not.toContain('\n');
  });

  it('loads the built binding, which names the libpcap it links', () => {
    expect(libpcapVersion()).toMatch(/^libpcap version \d+\.\d+/);
  });
});

describe('listInterfaces', () => {
  it('lists the interfaces the kernel has, lo as an up loopback with 127.0.0.1', () => {
    const list = listInterfaces();
    const names = list.map((i) => i.name);
    for (const dev of readdirSync('/sys/class/net')) expect(names).toContain(dev);
    const lo = list.find((i) => i.name === 'lo')!;
    expect(lo).toMatchObject({ loopback: true, up: true });
    expect(lo.addresses).toContain('127.0.0.1');
    for (const dev of readdirSync('/sys/class/net')) {
      const up = (Number.parseInt(readFileSync(`/sys/class/net/${dev}/flags`, 'utf8'), 16) & IFF_UP) !== 0;
      expect(list.find((i) => i.name === dev)!.up).toBe(up);
    }
  });
});

describe('openLiveCapture', () => {
  it('fails with one CAPTURE_OPEN_FAILED line naming an interface that does not exist', () => {
    const err = openError({ interfaceName: 'gw-no-such-if0' });
    expect(err.code).toBe('CAPTURE_OPEN_FAILED');
    expect(err.message).toContain('gw-no-such-if0');
    expect(err.message).toMatch(/no such device/i);
    expect(err.toLine()).not.toContain('\n');
  });

  it('rejects a BPF filter libpcap cannot compile, naming the filter', () => {
    const err = openError({ filter: 'port port port' });
    expect(err.code).toBe('CAPTURE_OPEN_FAILED');
    expect(err.message).toContain('"port port port"');
    expect(err.message).toMatch(/syntax error/);
  });

  it('refuses a snaplen libpcap would not keep', () => {
    expect(openError({ snaplen: 0 }).message).toMatch(/snaplen/);
  });

  it('returns from an idle dispatch after about waitMs, and refuses a buffer too small for one packet', () => {
    const capture = openLiveCapture(opts({ filter: 'udp port 9 and host 127.0.0.254', snaplen: 128 }));
    try {
      const started = performance.now();
      expect(capture.dispatch(Buffer.alloc(20 + 128), 1, 150)).toBe(0);
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(140);
      expect(waited).toBeLessThan(2000);
      expect(() => capture.dispatch(Buffer.alloc(20 + 127), 1, 0)).toThrow(RangeError);
    } finally {
      capture.close();
    }
  });

  it('throws "capture closed" after close, and close is idempotent', () => {
    const capture = openLiveCapture(opts({}));
    capture.close();
    capture.close();
    expect(() => capture.dispatch(Buffer.alloc(1 << 17), 1, 0)).toThrow('capture closed');
    expect(() => capture.stats()).toThrow('capture closed');
  });

  it('captures a datagram on loopback as a frame: cut at the snaplen, full wire length, kernel timestamp', async () => {
    const port = 40_000 + (process.pid % 20_000);
    const payload = Buffer.alloc(300, 0x61);
    const capture = openLiveCapture(opts({ filter: `udp dst port ${port}`, snaplen: 100, promiscuous: false }));
    const out = Buffer.alloc(16 * (20 + capture.snaplen));
    const sock = createSocket('udp4');
    const sentAt = Date.now() / 1000;
    await new Promise<void>((resolve, reject) => sock.send(payload, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    sock.close();
    let used = 0;
    for (let i = 0; i < 20 && used === 0; i++) used = capture.dispatch(out, 16, 100);
    const stats = capture.stats();
    capture.close();
    expect(capture.linkType).toBe(1); // Linux loopback is Ethernet-framed (LINKTYPE_ETHERNET)
    expect(capture.nanosecond).toBe(true);
    const frames = new FrameDecoder().push(out.subarray(0, used));
    expect(frames).toHaveLength(1);
    const frame = frames[0]!;
    if (frame.type !== 'packet') throw new Error(`expected a packet frame, got ${frame.type}`);
    expect(frame.data.length).toBe(100);
    expect(frame.wireLen).toBe(14 + 20 + 8 + payload.length); // Ethernet + IPv4 + UDP headers + payload
    // Ethernet 14 + IPv4 20 + UDP 8: the UDP destination port sits at bytes 36..37.
    expect(Buffer.from(frame.data).readUInt16BE(36)).toBe(port);
    expect(frame.data.subarray(42).every((b) => b === 0x61)).toBe(true);
    expect(Math.abs(frame.tsSec + frame.tsNsec / 1e9 - sentAt)).toBeLessThan(1);
    expect(stats.truncated).toBe(1);
    expect(stats.dropped).toBe(0);
    // Loopback shows each packet leaving and arriving; libpcap keeps one, ps_recv counts both.
    expect(stats.received).toBeGreaterThanOrEqual(1);
  });
});
