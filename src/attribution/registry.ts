/**
 * The analyzers, one per protocol folder, in priority order: earlier ones are tried first on a
 * flow's first payload, and their names win over later ones' (what the app itself sent beats
 * what a resolver said earlier). Adding a protocol is its folder and one line here; a protocol
 * that brings a new kind of name also adds the word to the shared vocabulary (NameSource in
 * src/types.ts, the rules' name sources, the telemetry catalogue).
 */
import type { Analyzer } from './analyzer.js';
import { dnsAnalyzer, type DnsAnalyzerDeps } from './dns/index.js';
import { httpAnalyzer } from './http/index.js';
import { quicAnalyzer } from './quic/index.js';
import { tlsAnalyzer } from './tls/index.js';

export function builtInAnalyzers(dns: DnsAnalyzerDeps): Analyzer[] {
  return [
    // TCP, first bytes a TLS handshake record: the ClientHello's SNI.
    tlsAnalyzer,
    // UDP, first client datagram a QUIC Initial: the SNI of the ClientHello inside.
    quicAnalyzer,
    // TCP, first bytes an HTTP/1 request method: the request's host.
    httpAnalyzer,
    // Port 53, claimed at the flow's start: its answers name later flows.
    dnsAnalyzer(dns),
  ];
}
