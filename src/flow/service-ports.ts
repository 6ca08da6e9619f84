/**
 * Which ports servers listen on and which ports clients are given, for
 * orienting flows whose start was not seen (src/flow/orientation.ts).
 *
 * Service ports, after Zeek's `likely_server_ports` (each protocol script adds
 * its ports with `redef likely_server_ports += { ports }`, e.g.
 * base/protocols/http/main.zeek adds 80, 81, 631, 1080, 3128, 8000, 8080, 8888;
 * Zeek's TCP analyzer flips a partial connection whose source port is in the set
 * and whose destination port is not): every port below 1024 (IANA "system
 * ports", RFC 6335 section 6), and the registered ports listed below, taken from
 * the IANA Service Name and Transport Protocol Port Number Registry, that
 * clients of the kind groundwatch watches talk to. One set serves TCP and UDP.
 *
 * Ephemeral ports: 32768-65535, the union of Linux's default
 * net.ipv4.ip_local_port_range (32768-60999, what Android uses) and the IANA
 * dynamic range 49152-65535 (RFC 6335 section 6; iOS, macOS and Windows use it).
 */

/** Registered (1024-49151, plus a few above) service ports; the comment names the service. */
const REGISTERED_SERVICE_PORTS: readonly number[] = [
  1080, // SOCKS (Zeek socks)
  1194, // OpenVPN (Zeek openvpn)
  1433, // Microsoft SQL Server
  1701, // L2TP
  1723, // PPTP
  1812, 1813, // RADIUS (Zeek radius)
  1883, // MQTT (Zeek mqtt)
  1900, // SSDP
  2049, // NFS
  2123, 2152, // GTP (Zeek gtpv1)
  3128, // HTTP proxy (Zeek http)
  3306, // MySQL (Zeek mysql)
  3389, // RDP (Zeek rdp)
  3478, 3479, // STUN / TURN (RFC 8489, RFC 8656)
  4500, // IPsec NAT traversal (RFC 3948)
  4789, // VXLAN (Zeek vxlan)
  5060, 5061, // SIP (Zeek sip)
  5222, 5223, 5269, // XMPP client, XMPP over TLS, XMPP server (Zeek xmpp)
  5228, // Google push (Firebase Cloud Messaging)
  5349, // STUN / TURN over TLS
  5353, // mDNS
  5355, // LLMNR
  5432, // PostgreSQL
  5671, 5672, // AMQP
  6379, // Redis
  6443, // Kubernetes API
  6881, // BitTorrent tracker
  8000, 8008, 8080, 8443, 8888, // alternative HTTP(S) (Zeek http: 8000, 8080, 8888)
  8883, // MQTT over TLS
  9092, // Kafka
  19302, // Google STUN
  27017, // MongoDB
  47808, // BACnet (Zeek bacnet)
  51820, // WireGuard
];

const SERVICE = new Set(REGISTERED_SERVICE_PORTS);

/** Lowest ephemeral port of the union of Linux's default range and IANA's dynamic range. */
export const EPHEMERAL_PORT_MIN = 32768;

export function isServicePort(port: number): boolean {
  return (port > 0 && port < 1024) || SERVICE.has(port);
}

export function isEphemeralPort(port: number): boolean {
  return port >= EPHEMERAL_PORT_MIN && port <= 65535 && !SERVICE.has(port);
}
