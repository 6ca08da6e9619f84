/** What the kernel says about an interface (sysfs), for gap reasons and the worker's link check. */
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

