/** What a ClientHello tells of its flow, over TCP (TLS) or inside a QUIC Initial alike. */
import type { Flow } from '../../flow/flow.js';
import type { AnalyzerContext } from '../analyzer.js';
import { looksLikeDoh } from '../encrypted-dns.js';
import type { ClientHelloInfo } from './client-hello.js';

export interface ClientHelloFacts {
  version: string;
  alpn: string[];
  sni?: string;
}

export function clientHelloFacts(hello: ClientHelloInfo): ClientHelloFacts {
  return { version: hello.version, alpn: hello.alpn, ...(hello.sni !== undefined ? { sni: hello.sni } : {}) };
}

/**
 * Marks DNS over HTTPS and learns the SNI as the flow's name (the flow's facts are set first by
 * the caller). Returns false when the ClientHello carried no SNI.
 */
export function learnFromSni(flow: Flow, hello: ClientHelloInfo, source: 'tls_sni' | 'quic_sni', ts: number, ctx: AnalyzerContext): boolean {
  if (looksLikeDoh(flow.serverIp, flow.serverPort, hello.sni?.toLowerCase())) flow.attribution.encryptedDns = 'doh';
  if (hello.sni === undefined || hello.sni === '') return false;
  ctx.counters.inc(`names.${source}`);
  ctx.learn(flow, { host: hello.sni, source, ts });
  return true;
}
