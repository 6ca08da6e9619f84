/**
 * What an application-protocol analyzer declares, as Zeek's dynamic protocol detection and
 * Suricata's app-layer parser registration do: how it recognises a flow (its ports at the flow's
 * start, or the first payload bytes), what it inspects, the name source it yields and what it
 * says when no name came. Each protocol folder exports one; src/attribution/registry.ts lists
 * them in priority order; the attributor runs them without knowing any protocol.
 */
import type { Counters } from '../counters.js';
import type { Direction, Flow } from '../flow/flow.js';
import type { TcpStreamLimits } from '../flow/tcp-stream.js';
import type { Decoded, NameEvidence, NameSource, UnknownNameReason } from '../types.js';

export interface AttributorLimits {
  stream: TcpStreamLimits;
  maxHttpHeadBytes: number;
  /** Client datagrams of a UDP flow inspected for a QUIC Initial before giving up. */
  maxQuicDatagrams: number;
}

/** What the attributor gives every analyzer: the run's counters and limits, and where names go. */
export interface AnalyzerContext {
  readonly counters: Counters;
  readonly limits: AttributorLimits;
  /** Adds name evidence to the flow; the attributor keeps the best name and tells the pipeline when it changed. */
  learn(flow: Flow, evidence: NameEvidence): void;
}

/**
 * An analyzer's answer to each input: keep feeding it while the name may still come ('more');
 * keep feeding it although no name of the flow's own will come, so rules may judge now
 * ('settled'); or stop, its buffers dropped ('done').
 */
export type InspectVerdict = 'more' | 'settled' | 'done';

/** One analyzer following one flow: its per-flow state, made when it claims or recognises the flow. */
export interface AnalyzerSession {
  /** One input: `bytes` are the client stream's new bytes in order (stream analyzers) or the packet's payload. */
  inspect(flow: Flow, direction: Direction, p: Decoded, bytes: Uint8Array): InspectVerdict;
  /** Inspection is over (this session said 'done', or the stream hit its bound): drop the buffers. */
  stop(): void;
  /**
   * At the flow's end, why its name is unknown (`named` false), or why the name learned may not
   * be the real one (`named` true), as far as this session saw; undefined when it has no reason.
   */
  unknownReason(named: boolean): UnknownNameReason | undefined;
}

interface AnalyzerBase {
  /** Short protocol name (docs, tests). */
  readonly name: string;
  /** The source of the names it learns; its place in the registry is that source's priority. */
  readonly yields: NameSource;
  /** At every judged flow's start, whichever analyzer follows it: what this analyzer knows already (e.g. names from earlier DNS answers). */
  onFlowStart?(flow: Flow, ctx: AnalyzerContext): void;
  /** Starts following a flow it claimed or recognised. */
  open(flow: Flow, ctx: AnalyzerContext): AnalyzerSession;
}

/** Claims a flow at its start from its ports alone (a well-known port), then sees every packet of it, both directions, either transport. */
export interface PortAnalyzer extends AnalyzerBase {
  readonly input: 'claimed_packets';
  claims(flow: Flow): boolean;
}

/**
 * Recognises a flow from its first client payload: on TCP the first bytes of the client stream
 * (put in order and bounded by the attributor, `client_stream`), on UDP the first client datagram
 * (`client_datagrams`); then sees the client's later bytes or datagrams.
 */
export interface PayloadAnalyzer extends AnalyzerBase {
  readonly input: 'client_stream' | 'client_datagrams';
  recognises(firstPayload: Uint8Array): boolean;
}

export type Analyzer = PortAnalyzer | PayloadAnalyzer;
