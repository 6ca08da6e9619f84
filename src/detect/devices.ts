/**
 * Which hosts are judged. `--device` takes addresses, CIDR ranges or MAC
 * addresses (a MAC survives DHCP changes and IPv6 privacy addresses). With no
 * device given every host that starts a flow is judged.
 */
import { cidrContains, parseCidr, parseIp, type ParsedCidr } from '../address/cidr.js';
import { isMac, normalizeMac } from '../address/mac.js';
import { GroundwatchError } from '../errors.js';

export class DeviceSelector {
  private readonly macs = new Set<string>();
  private readonly ranges: ParsedCidr[] = [];

  constructor(specs: string[]) {
    for (const spec of specs) this.add(spec.trim());
  }

  get judgesAll(): boolean {
    return this.macs.size === 0 && this.ranges.length === 0;
  }

  matches(ip: string, mac?: string): boolean {
    if (this.judgesAll) return true;
    if (mac && this.macs.has(mac.toLowerCase())) return true;
    const parsed = parseIp(ip);
    return parsed ? this.ranges.some((r) => cidrContains(r, parsed)) : false;
  }

  private add(spec: string): void {
    if (isMac(spec)) {
      this.macs.add(normalizeMac(spec));
      return;
    }
    const range = parseCidr(spec);
    if (!range) throw new GroundwatchError('USAGE', `--device ${JSON.stringify(spec)} is not an address, CIDR range or MAC address`);
    this.ranges.push(range);
  }
}
