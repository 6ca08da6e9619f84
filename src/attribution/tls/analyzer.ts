/** TLS over TCP: recognised on its first record header, named by the ClientHello's SNI. */
import type { Direction, Flow } from '../../flow/flow.js';
import type { Decoded, UnknownNameReason } from '../../types.js';
import type { AnalyzerContext, AnalyzerSession, InspectVerdict, PayloadAnalyzer } from '../analyzer.js';
import { countInvalid } from '../count-invalid.js';
import { clientHelloFacts, learnFromSni } from './client-hello-evidence.js';
import { looksLikeTls, TLS_REASONS_COUNTED_HERE, TlsClientHelloAssembler } from './record-assembler.js';

class TlsSession implements AnalyzerSession {
  private assembler: TlsClientHelloAssembler | undefined;
  private sawEch = false;
  private sawNoSni = false;

  constructor(private readonly ctx: AnalyzerContext) {}

  inspect(flow: Flow, _direction: Direction, _p: Decoded, bytes: Uint8Array): InspectVerdict {
    const { counters, limits } = this.ctx;
    this.assembler ??= new TlsClientHelloAssembler({ maxBytes: limits.stream.maxBytes, counters });
    const r = this.assembler.push(bytes);
    if (r.status === 'need_more') return 'more';
    if (r.status === 'invalid') {
      countInvalid(counters, 'tls', r.reason, TLS_REASONS_COUNTED_HERE);
      return 'done';
    }
    const hello = r.value;
    flow.attribution.tls = { ...clientHelloFacts(hello), ech: hello.hasEch };
    this.sawEch = hello.hasEch;
    this.sawNoSni = !learnFromSni(flow, hello, 'tls_sni', flow.lastTs, this.ctx);
    return 'done';
  }

  stop(): void {
    this.assembler = undefined;
  }

  /** With ECH the SNI is the provider's public name, not the one the client asked for. */
  unknownReason(named: boolean): UnknownNameReason | undefined {
    if (named) return this.sawEch ? 'tls_ech' : undefined;
    return this.sawNoSni ? 'tls_no_sni' : undefined;
  }
}

export const tlsAnalyzer: PayloadAnalyzer = {
  name: 'tls',
  yields: 'tls_sni',
  input: 'client_stream',
  recognises: looksLikeTls,
  open: (_flow, ctx) => new TlsSession(ctx),
};
