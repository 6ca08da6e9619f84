/**
 * One prefix test for rules, GeoIP special ranges and device selection
 * (src/address/cidr.ts). Python's ipaddress module is the oracle: random
 * addresses against random prefixes of both families, each answered by the
 * rule matcher (cidrContains) and by `--device` selection, which before used
 * their own copies of the test. IPv4-mapped IPv6 is left out: groundwatch folds
 * it to IPv4 on purpose, Python does not.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../src/address/cidr.js';
import { isMac, normalizeMac } from '../../src/address/mac.js';
import { DeviceSelector } from '../../src/detect/devices.js';

/** Deterministic (the failing case can be replayed): a 32-bit LCG. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

const next = rng(0x5eed);
const v4 = () => [0, 0, 0, 0].map(() => next() & 0xff).join('.');
const v6 = () => Array.from({ length: 8 }, () => (next() & 0xffff).toString(16)).join(':');

/** Addresses close to the prefix (same leading bytes) so both answers occur often. */
function nearby(net: string): string {
  if (net.includes(':')) {
    const words = net.split(':');
    const keep = next() % 9;
    return words.map((w, i) => (i < keep ? w : (next() & 0xffff).toString(16))).join(':');
  }
  const bytes = net.split('.');
  const keep = next() % 5;
  return bytes.map((b, i) => (i < keep ? b : String(next() & 0xff))).join('.');
}

interface Case {
  net: string;
  ip: string;
}

function cases(n: number): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const six = next() % 2 === 1;
    const addr = six ? v6() : v4();
    const net = `${addr}/${next() % ((six ? 128 : 32) + 1)}`;
    // Mostly nearby addresses; some of the other family, which no prefix of this one contains.
    const r = next() % 10;
    const ip = r === 0 ? (six ? v4() : v6()) : nearby(addr);
    out.push({ net, ip });
  }
  return out;
}

function pythonAnswers(list: Case[]): boolean[] {
  const script = `
import ipaddress, json, sys
out = []
for c in json.load(sys.stdin):
    ip = ipaddress.ip_address(c["ip"])
    net = ipaddress.ip_network(c["net"], strict=False)
    out.append(ip.version == net.version and ip in net)
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(list), encoding: 'utf8' })) as boolean[];
}

describe('one prefix match (Python ipaddress as oracle)', () => {
  const list = cases(4000);
  const expected = pythonAnswers(list);

  it('the sample holds both answers in numbers (the comparison is not one-sided)', () => {
    expect(expected.filter(Boolean).length).toBeGreaterThan(500);
    expect(expected.filter((x) => !x).length).toBeGreaterThan(500);
  });

  it('rule CIDR matching agrees with Python for every pair', () => {
    const got = list.map((c) => cidrContains(parseCidr(c.net)!, parseIp(c.ip)!));
    expect(got).toEqual(expected);
  });

  it('--device selection agrees with Python for every pair', () => {
    const got = list.map((c) => new DeviceSelector([c.net]).matches(c.ip));
    expect(got).toEqual(expected);
  });
});

describe('one MAC parser for rules and --device', () => {
  it('accepts one separator throughout, in either case, and folds to the decoder form', () => {
    expect(isMac('02-AA-bb-CC-dd-0E')).toBe(true);
    expect(normalizeMac(' 02-AA-bb-CC-dd-0E ')).toBe('02:aa:bb:cc:dd:0e');
    expect(new DeviceSelector(['02-AA-bb-CC-dd-0E']).matches('192.0.2.1', '02:aa:bb:cc:dd:0e')).toBe(true);
    expect(isMac('02:aa:bb:cc:dd')).toBe(false);
  });
});
