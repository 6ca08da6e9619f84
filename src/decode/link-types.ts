/** libpcap LINKTYPE_* values groundwatch decodes (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW on some BSDs is 12 or 14 in files written there; both mean raw IP. */
  RAW_BSD12: 12,
  RAW_BSD14: 14,
  LOOP: 108,
  RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const ETHERTYPE = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  ARP: 0x0806,
  PPPOE_SESSION: 0x8864,
} as const;

/**
 * Counter per unsupported link type: `decode.unsupported_link_type_number.<LINKTYPE number>`
 * (not `decode.unsupported_link_type.<n>`: that total is a counter of its own, and one name
 * must not be both a value and a prefix of others in the flat stats map).
 */
export const UNSUPPORTED_LINK_TYPE_PREFIX = 'decode.unsupported_link_type_number.';

/** Names of link types met in the field that groundwatch does not decode (tcpdump.org linktypes), for messages. */
const UNSUPPORTED_NAMES: Record<number, string> = {
  9: 'PPP',
  50: 'PPP_HDLC',
  104: 'C_HDLC',
  105: 'IEEE802_11',
  119: 'IEEE802_11_PRISM',
  127: 'IEEE802_11_RADIOTAP',
  163: 'IEEE802_11_AVS',
  192: 'PPI',
  195: 'IEEE802_15_4_WITHFCS',
  201: 'BLUETOOTH_HCI_H4_WITH_PHDR',
  220: 'USB_LINUX_MMAPPED',
  253: 'NETLINK',
};

/** "127 (IEEE802_11_RADIOTAP)", or just the number when it has no name here. */
export function linkTypeLabel(linkType: number): string {
  const name = UNSUPPORTED_NAMES[linkType];
  return name ? `${linkType} (${name})` : `${linkType}`;
}

/** Packets per unsupported link type, from the counters, by link type number. */
export function unsupportedLinkTypes(counters: Record<string, number>): [number, number][] {
  return Object.entries(counters)
    .filter(([k]) => k.startsWith(UNSUPPORTED_LINK_TYPE_PREFIX))
    .map(([k, v]): [number, number] => [Number(k.slice(UNSUPPORTED_LINK_TYPE_PREFIX.length)), v])
    .sort((a, b) => a[0] - b[0]);
}
