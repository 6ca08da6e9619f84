/**
 * The analyzers, one per protocol folder, in priority order: earlier ones are tried first on a
 * flow's first payload, and their names win over later ones' (what the app itself sent beats
 * what a resolver said earlier). Adding a protocol is its folder and one line here.
 */
import type { Analyzer } from './analyzer.js';
import { dnsAnalyzer, type DnsAnalyzerDeps } from './dns/index.js';
import { httpAnalyzer } from './http/index.js';
import { quicAnalyzer } from './quic/index.js';
import { tlsAnalyzer } from './tls/index.js';

export function builtInAnalyzers(dns: DnsAnalyzerDeps): Analyzer[] {
  return [
    tlsAnalyzer, //   TCP, first bytes a TLS handshake record: ClientHello SNI
    quicAnalyzer, //  UDP, first client datagram a QUIC Initial: SNI of the ClientHello inside
    httpAnalyzer, //  TCP, first bytes an HTTP/1 request method: the request's host
    dnsAnalyzer(dns), // port 53, claimed at the flow's start: answers name later flows
  ];
}
