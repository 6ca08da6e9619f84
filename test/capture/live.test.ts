/**
 * src/capture/live.ts: the lazy `cap` loader and the capture it opens. The
 * oracle for interfaces is the kernel's own list (/sys/class/net, what
 * `ip link` shows) and, for captured bytes, the frame tcpreplay sent.
 */
import { createSocket } from 'node:dgram';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAP_INSTALL_HINT, listInterfaces, loadCap, openLiveCapture } from '../../src/capture/live.js';
import { GroundwatchError } from '../../src/errors.js';

describe('loadCap', () => {
  it('turns a missing cap module into one CAPTURE_UNAVAILABLE line saying how to install it', async () => {
    const err = await loadCap(() => Promise.reject(new Error("Cannot find module 'cap'\nRequire stack: ..."))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroundwatchError);
    const line = (err as GroundwatchError).toLine();
    expect(line).toMatch(/^groundwatch: CAPTURE_UNAVAILABLE: /);
    expect(line).toContain(CAP_INSTALL_HINT);
    expect(line).not.toContain('\n');
  });
});

describe('listInterfaces', () => {
  it('lists the interfaces the kernel has, loopback marked', async () => {
    const list = await listInterfaces();
    const names = list.map((i) => i.name);
    for (const dev of readdirSync('/sys/class/net')) expect(names).toContain(dev);
    expect(list.find((i) => i.name === 'lo')).toMatchObject({ loopback: true });
    expect(list.find((i) => i.name === 'lo')!.addresses).toContain('127.0.0.1');
  });
});

describe('openLiveCapture', () => {
  it('fails with CAPTURE_OPEN_FAILED naming an interface that does not exist', async () => {
    const err = await openLiveCapture({ interfaceName: 'gw-no-such-if0', filter: '', snaplen: 65535, bufferBytes: 1 << 20 }, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroundwatchError);
    expect((err as GroundwatchError).code).toBe('CAPTURE_OPEN_FAILED');
    expect((err as GroundwatchError).message).toContain('gw-no-such-if0');
  });

  it('rejects a BPF filter libpcap cannot compile', async () => {
    const err = await openLiveCapture({ interfaceName: 'lo', filter: 'port port port', snaplen: 65535, bufferBytes: 1 << 20 }, () => {}).catch((e: unknown) => e);
    expect((err as GroundwatchError).code).toBe('CAPTURE_OPEN_FAILED');
  });

  it('captures a datagram sent on loopback, cut at the snaplen and stamped with the time it arrived', async () => {
    const port = 40_000 + (process.pid % 20_000);
    const payload = Buffer.alloc(300, 0x61);
    const got: { ts: number; data: Buffer; truncated: boolean }[] = [];
    const capture = await openLiveCapture({ interfaceName: 'lo', filter: `udp dst port ${port}`, snaplen: 100, bufferBytes: 1 << 20 }, (p) =>
      got.push({ ts: p.tsSec + p.tsNsec / 1e9, data: Buffer.from(p.data), truncated: p.truncated }),
    );
    const sock = createSocket('udp4');
    const sentAt = Date.now() / 1000;
    await new Promise<void>((resolve, reject) => sock.send(payload, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    capture.close();
    sock.close();
    expect(capture.linkType).toBe(1); // Linux loopback is Ethernet-framed (LINKTYPE_ETHERNET)
    expect(got).toHaveLength(1);
    const frame = got[0]!;
    expect(frame.truncated).toBe(true);
    expect(frame.data.length).toBe(100);
    // Ethernet 14 + IPv4 20 + UDP 8: the UDP destination port sits at bytes 36..37.
    expect(frame.data.readUInt16BE(36)).toBe(port);
    expect(frame.data.subarray(42).every((b) => b === 0x61)).toBe(true);
    expect(Math.abs(frame.ts - sentAt)).toBeLessThan(1);
  });
});
