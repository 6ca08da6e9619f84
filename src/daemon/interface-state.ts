/** What the kernel says about an interface (sysfs), for gap reasons and libpcap-style interface drops. */
import { existsSync, readFileSync } from 'node:fs';

const IFF_UP = 0x1;

export function interfaceExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** Administratively up (IFF_UP); false when down or gone. */
export function interfaceIsUp(name: string): boolean {
  try {
    return (Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8'), 16) & IFF_UP) !== 0;
  } catch {
    return false;
  }
}

/** The interface's own receive drops (what libpcap reports as ps_ifdrop on Linux), or undefined. */
export function interfaceRxDropped(name: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(`/sys/class/net/${name}/statistics/rx_dropped`, 'utf8'), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
