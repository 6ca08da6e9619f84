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
