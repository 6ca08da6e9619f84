/**
 * Which side of a new flow is the client. A bare SYN names the client and a
 * SYN-ACK names the server (Suricata's midstream SYN/ACK pickup swaps the flow
 * the same way). A TCP flow first seen without its handshake (a capture that
 * starts, restarts or resumes mid-connection), and every UDP flow, is oriented
 * by evidence, strongest first, the way Zeek orients partial connections:
 *   1. device:  the configured devices (`--device`) are clients;
 *   2. port:    a service port against a port that is not one (Zeek's
 *               likely_server_ports), else a non-ephemeral port against an
 *               ephemeral one (src/flow/service-ports.ts);
 *   3. address: the local side (private, CGNAT, ULA, link-local) is the client;
 *   4. first_packet: the sender of the first packet seen.
 * Evidence that names both sides, or neither, passes to the next. Where this
 * differs from Zeek: Zeek takes the lower of two service ports as the server
 * and does not trust a SYN-ACK seen first (a SYN-ACK scan sends them
 * unsolicited); here two service ports pass to the address test, and a SYN-ACK
 * is trusted, as Suricata does: a missed SYN is far likelier on a tablet's
 * mirror port than a SYN-ACK scan.
 */
import { TCP_ACK, TCP_SYN, type Decoded, type FlowOrientation } from '../types.js';
import { isEphemeralPort, isServicePort } from './service-ports.js';

/** The configured devices (detect/devices.ts implements it); judgesAll means none were configured. */
export interface DeviceMatcher {
  readonly judgesAll: boolean;
  matches(ip: string, mac?: string): boolean;
}

/** What the flow table is told about the network, injected by the pipeline. */
export interface OrientationEvidence {
  devices?: DeviceMatcher;
  /** The address is on the local side of the network (special ranges, see detect/local-address.ts). */
  isLocalAddress?(ip: string): boolean;
}

export interface OrientationDecision {
  /** The first packet was sent by the server. */
  fromServer: boolean;
  orientation: FlowOrientation;
  /**
   * TCP: the first packet was a bare SYN. UDP has no handshake: false when the
   * first datagram came from the server (the flow was already running), else true.
   */
  startSeen: boolean;
}

/** Which side a piece of evidence says is the client: the packet's source, its destination, or no answer. */
type ClientSide = 'src' | 'dst' | undefined;

function bySides(srcSays: boolean, dstSays: boolean): ClientSide {
  if (srcSays === dstSays) return undefined;
  return srcSays ? 'src' : 'dst';
}

function byDevice(p: Decoded, devices: DeviceMatcher | undefined): ClientSide {
  if (!devices || devices.judgesAll) return undefined;
  return bySides(devices.matches(p.src, p.srcMac), devices.matches(p.dst, p.dstMac));
}

/** The server's port is the service one; failing that, the client's port is the ephemeral one. */
function byPort(p: Decoded): ClientSide {
  const srcService = isServicePort(p.srcPort);
  const dstService = isServicePort(p.dstPort);
  if (srcService !== dstService) return dstService ? 'src' : 'dst';
  if (srcService) return undefined;
  return bySides(isEphemeralPort(p.srcPort), isEphemeralPort(p.dstPort));
}

function byAddress(p: Decoded, isLocal: ((ip: string) => boolean) | undefined): ClientSide {
  if (!isLocal) return undefined;
  return bySides(isLocal(p.src), isLocal(p.dst));
}

export function orientFirstPacket(p: Decoded, evidence: OrientationEvidence): OrientationDecision {
  if (p.transport === 'tcp') {
    const handshake = p.tcpFlags & (TCP_SYN | TCP_ACK);
    if (handshake === TCP_SYN) return { fromServer: false, orientation: 'syn', startSeen: true };
    if (handshake === (TCP_SYN | TCP_ACK)) return { fromServer: true, orientation: 'syn', startSeen: false };
  }
  let client = byDevice(p, evidence.devices);
  if (client) return decision(p, client, 'device');
  client = byPort(p);
  if (client) return decision(p, client, 'port');
  client = byAddress(p, evidence.isLocalAddress);
  if (client) return decision(p, client, 'address');
  return decision(p, 'src', 'first_packet');
}

function decision(p: Decoded, client: 'src' | 'dst', orientation: FlowOrientation): OrientationDecision {
  const fromServer = client === 'dst';
  return { fromServer, orientation, startSeen: p.transport !== 'tcp' && !fromServer };
}
