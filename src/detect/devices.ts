/**
 * Which hosts are judged. `--device` takes addresses, CIDR ranges or MAC
 * addresses (a MAC survives DHCP changes and IPv6 privacy addresses). With no
 * device given every host that starts a flow is judged.
 */
import { GroundwatchError } from '../errors.js';
import { parseIp } from '../decode/ip-address.js';

interface Range {
  bytes: Uint8Array;
  prefix: number;
}

export class DeviceSelector {
  private readonly macs = new Set<string>();
  private readonly ranges: Range[] = [];

  constructor(specs: string[]) {
    for (const spec of specs) this.add(spec.trim());
  }

  get judgesAll(): boolean {
    return this.macs.size === 0 && this.ranges.length === 0;
  }

  matches(ip: string, mac?: string): boolean {
    if (this.judgesAll) return true;
    if (mac && this.macs.has(mac.toLowerCase())) return true;
    const bytes = parseIp(ip);
    return bytes ? this.ranges.some((r) => inRange(bytes, r)) : false;
  }

  private add(spec: string): void {
    if (/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(spec)) {
      this.macs.add(spec.toLowerCase().replace(/-/g, ':'));
      return;
    }
    const [addr, prefixText] = spec.split('/');
    const bytes = parseIp(addr ?? '');
    const max = bytes ? bytes.length * 8 : 0;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!bytes || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new GroundwatchError('USAGE', `--device ${JSON.stringify(spec)} is not an address, CIDR range or MAC address`);
    }
    this.ranges.push({ bytes, prefix });
  }
}

function inRange(ip: Uint8Array, r: Range): boolean {
  if (ip.length !== r.bytes.length) return false;
  let bits = r.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i]! & mask) !== (r.bytes[i]! & mask)) return false;
  }
  return true;
}
