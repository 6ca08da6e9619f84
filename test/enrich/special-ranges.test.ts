import { describe, expect, it } from 'vitest';
import { specialRangeOf } from '../../src/enrich/special-ranges.js';

/** Boundaries of the special-purpose blocks, taken from the RFCs named on each line. */
const TABLE: Array<[string, string | undefined]> = [
  // RFC 1918 private
  ['10.0.0.0', 'private'], ['10.255.255.255', 'private'], ['9.255.255.255', undefined], ['11.0.0.0', undefined],
  ['172.16.0.0', 'private'], ['172.31.255.255', 'private'], ['172.15.255.255', undefined], ['172.32.0.0', undefined],
  ['192.168.0.0', 'private'], ['192.168.255.255', 'private'], ['192.169.0.0', undefined],
  // RFC 6598 shared address space
  ['100.64.0.0', 'cgnat'], ['100.127.255.255', 'cgnat'], ['100.63.255.255', undefined], ['100.128.0.0', undefined],
  // RFC 1122 / RFC 6890 loopback, this-host, limited broadcast
  ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'], ['0.0.0.0', 'unspecified'], ['0.1.2.3', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  // RFC 3927 link local
  ['169.254.0.1', 'link_local'], ['169.254.255.255', 'link_local'], ['169.253.255.255', undefined],
  // RFC 5737 documentation
  ['192.0.2.1', 'documentation'], ['198.51.100.200', 'documentation'], ['203.0.113.255', 'documentation'],
  ['203.0.114.0', undefined], ['198.51.101.0', undefined],
  // RFC 6890: 192.0.0.0/24 IETF assignments, 198.18.0.0/15 benchmarking
  ['192.0.0.8', 'reserved'], ['198.18.0.1', 'reserved'], ['198.19.255.255', 'reserved'], ['198.20.0.0', undefined],
  // RFC 5771 multicast, RFC 1112 240/4
  ['224.0.0.1', 'multicast'], ['239.255.255.255', 'multicast'], ['240.0.0.1', 'reserved'], ['255.255.255.254', 'reserved'],
  ['223.255.255.255', undefined],
  // IPv6: RFC 4291 unspecified / loopback / link local / multicast, RFC 4193 ULA, RFC 3849 documentation
  ['::', 'unspecified'], ['::1', 'loopback'], ['fe80::1', 'link_local'], ['febf:ffff::1', 'link_local'],
  ['fc00::1', 'ula'], ['fd12:3456::1', 'ula'], ['fbff::1', undefined], ['fe00::1', undefined],
  ['ff02::1', 'multicast'], ['ff0e::1', 'multicast'], ['2001:db8::1', 'documentation'], ['2001:db9::1', undefined],
  ['3fff::1', 'documentation'], ['100::1', 'reserved'], ['2001:4860:4860::8888', undefined],
  // IPv4-mapped addresses are classified as the IPv4 address they carry
  ['::ffff:10.1.2.3', 'private'], ['::ffff:8.8.8.8', undefined], ['::ffff:0a01:0203', 'private'],
  // zone ids are ignored
  ['fe80::1%eth0', 'link_local'],
  // not addresses
  ['1.2.3', undefined], ['example.com', undefined], ['', undefined],
];

describe('specialRangeOf', () => {
  it.each(TABLE)('%s -> %s', (ip, expected) => {
    expect(specialRangeOf(ip)).toBe(expected);
  });
});
