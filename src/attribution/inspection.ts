/** Per-flow inspection state: which parser follows the flow, and their buffers. */
import type { TcpStreamAssembler } from '../flow/tcp-stream.js';
import type { DnsTcpFramer } from './dns/index.js';
import type { QuicInitialTracker } from './quic/index.js';
import type { TlsClientHelloAssembler } from './tls/index.js';

export type InspectionMode = 'undecided' | 'tls' | 'http' | 'quic' | 'dns' | 'done';

export interface Inspection {
  mode: InspectionMode;
  clientStream?: TcpStreamAssembler;
  serverStream?: TcpStreamAssembler;
  tls?: TlsClientHelloAssembler;
  http?: Uint8Array[];
  httpBytes?: number;
  quic?: QuicInitialTracker;
  quicDatagrams?: number;
  dnsToServer?: DnsTcpFramer;
  dnsToClient?: DnsTcpFramer;
  /** The name question is answered (found, or nothing more will come): rules may judge the flow. */
  settled: boolean;
  sawTlsWithoutSni?: boolean;
  sawQuicWithoutSni?: boolean;
}

export function newInspection(): Inspection {
  return { mode: 'undecided', settled: false };
}
