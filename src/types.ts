/**
 * Records that cross stage boundaries. Each stage owns the shape it produces;
 * this file is the contract between them.
 */

/** One captured frame as a capture source hands it over. */
export interface RawPacket {
  /** Whole seconds since the Unix epoch. */
  tsSec: number;
  /** Nanoseconds within the second, 0..999_999_999 (kept apart: a double cannot hold epoch ns). */
  tsNsec: number;
  /** libpcap LINKTYPE_* of the interface the frame came from. */
  linkType: number;
  /** The captured bytes (caplen of them). */
  data: Uint8Array;
  /** Length on the wire; larger than data.length when the snaplen cut the frame. */
  wireLen: number;
  /** pcapng interface id (0 for classic pcap and live capture). */
  interfaceId: number;
  /** Index of the input (file) the packet came from, for multi-file runs. */
  sourceIndex: number;
  /** 1-based number of the packet in its capture file (tshark's frame.number); absent for live capture. */
  packetNumber?: number;
}

/** Where a record's packet came from: input file (RawPacket.sourceIndex) and packet number in it. */
export interface PacketOrigin {
  sourceIndex: number;
  packetNumber: number;
}

export type Transport = 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp' | 'other';

/** What decode/ makes of a frame. Addresses are canonical text (IPv6 compressed, lower case). */
export interface Decoded {
  /** Seconds since the epoch as a double (µs precision is enough for timeouts). */
  ts: number;
  tsSec: number;
  tsNsec: number;
  /** Formatted on demand: most packets never need their MAC text. */
  readonly srcMac?: string | undefined;
  readonly dstMac?: string | undefined;
  vlans?: number[] | undefined;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  /** IP protocol number of the transport (after extension headers). */
  protocol: number;
  transport: Transport;
  srcPort: number;
  dstPort: number;
  /** TCP flags byte (0 for non-TCP). */
  tcpFlags: number;
  tcpSeq: number;
  tcpAck: number;
  /** Transport payload actually captured. */
  payload: Uint8Array;
  /** Bytes of the IP packet on the wire (IP header included), for byte counts. */
  ipLen: number;
  /** Snaplen cut this packet: payload may be shorter than the header says. */
  truncated: boolean;
  ttl: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** How a destination's name was learned (nDPI's confidence habit). */
export type NameSource = 'tls_sni' | 'quic_sni' | 'http_host' | 'dns';

export interface NameEvidence {
  host: string;
  source: NameSource;
  /** Packet time the evidence was seen. */
  ts: number;
  /** For dns: the CNAME chain from the asked name to the address, and the resolver. */
  dnsChain?: string[];
  dnsServer?: string;
  /** For dns: the name the client asked for (the one that matters). */
  dnsQuery?: string;
}

/** Why a flow carries no name, when it carries none (or only an outer one). */
export type UnknownNameReason =
  | 'encrypted_dns'
  | 'tls_ech'
  | 'tls_no_sni'
  | 'quic_no_sni'
  | 'no_handshake_seen'
  | 'not_inspected';

export interface TlsFacts {
  version?: string;
  alpn?: string[];
  ech?: boolean;
  sni?: string;
}

export interface QuicFacts {
  version?: string;
  sni?: string;
  alpn?: string[];
}

export interface Attribution {
  /** The name chosen for the destination (first of: tls_sni, quic_sni, http_host, dns). */
  host?: string;
  source?: NameSource;
  /** Every name seen for this flow, conflicts included (never hidden). */
  names: NameEvidence[];
  /** True when two sources disagree on the name. */
  conflict: boolean;
  unknownReason?: UnknownNameReason;
  /** Flow looks like encrypted DNS (DoT/DoQ/DoH): names behind it cannot be seen. */
  encryptedDns?: 'dot' | 'doq' | 'doh';
  tls?: TlsFacts;
  quic?: QuicFacts;
  http?: { host?: string; method?: string };
}

/** Special address ranges are classified locally and never looked up. */
export type SpecialRange =
  | 'private'
  | 'cgnat'
  | 'loopback'
  | 'link_local'
  | 'ula'
  | 'multicast'
  | 'documentation'
  | 'unspecified'
  | 'broadcast'
  | 'reserved';

export interface GeoDatabaseRef {
  /** Database type from its metadata (e.g. GeoLite2-Country) or file name. */
  type: string;
  path: string;
  /** Build date from the MMDB metadata, ISO 8601. */
  buildDate: string;
}

export interface GeoInfo {
  special?: SpecialRange;
  /** Where the address is (location database: DB-IP Lite embedded, or MaxMind). */
  countryIso?: string;
  /** MaxMind's `registered_country` when the location database carries it. */
  registeredCountryIso?: string;
  /** Country of the block's registrant (whois / RIR data): a second fact, not the location. */
  registrantCountryIso?: string;
  asn?: number;
  asOrg?: string;
  /** Country of the company that operates the network, from the curated operator list. */
  operatorCountry?: string;
  operatorName?: string;
  /** Which databases answered, and their build dates: an alert must be reproducible. */
  countryDb?: GeoDatabaseRef;
  asnDb?: GeoDatabaseRef;
  registrantDb?: GeoDatabaseRef;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Anything that answers where an address is and who runs it (enrich/ implements it). */
export interface GeoLookup {
  lookup(ip: string): GeoInfo;
}

/**
 * How the flow table decided which side is the client (src/flow/orientation.ts):
 * the SYN or SYN-ACK told it, or, for a connection picked up mid-stream and for
 * UDP, the configured devices, the service port, the local address, or only the
 * first packet seen.
 */
export type FlowOrientation = 'syn' | 'device' | 'port' | 'address' | 'first_packet';

/** What the flow table knows about a flow at a moment: what rules and records read. */
export interface FlowSnapshot {
  uid: string;
  communityId: string;
  protocol: number;
  transport: Transport;
  clientIp: string;
  clientPort: number;
  clientMac?: string;
  serverIp: string;
  serverPort: number;
  serverMac?: string;
  firstTs: number;
  lastTs: number;
  firstTsIso: string;
  lastTsIso: string;
  packetsToServer: number;
  packetsToClient: number;
  bytesToServer: number;
  bytesToClient: number;
  attribution: Attribution;
  geo: GeoInfo;
  vlans?: number[];
  /** The connection's start was seen (a SYN first; for UDP, a first datagram from the client). */
  startSeen: boolean;
  orientation: FlowOrientation;
  /** The flow's first packet in its capture file (replay only). */
  origin?: PacketOrigin;
}
