/** QUIC over UDP: recognised on a client Initial it can open, named by the SNI of the ClientHello inside. */
import type { Direction, Flow } from '../../flow/flow.js';
import type { Decoded, UnknownNameReason } from '../../types.js';
import type { AnalyzerContext, AnalyzerSession, InspectVerdict, PayloadAnalyzer } from '../analyzer.js';
import { countInvalid } from '../count-invalid.js';
import { clientHelloFacts, learnFromSni } from '../tls/client-hello-evidence.js';
import { QUIC_REASONS_COUNTED_HERE, QuicInitialTracker } from './initial-tracker.js';
import { looksLikeQuicInitial } from './looks-like.js';

class QuicSession implements AnalyzerSession {
  private tracker: QuicInitialTracker | undefined;
  private datagrams = 0;
  private sawNoSni = false;

  constructor(private readonly ctx: AnalyzerContext) {}

  inspect(flow: Flow, _direction: Direction, p: Decoded, datagram: Uint8Array): InspectVerdict {
    const { counters, limits } = this.ctx;
    this.tracker ??= new QuicInitialTracker({ counters });
    this.datagrams++;
    const r = this.tracker.pushClientDatagram(datagram);
    // A datagram that fails to decrypt (e.g. keys of an unseen Retry) does not end the search; later Initials may.
    if (r.status === 'invalid' && !this.tracker.done) {
      countInvalid(counters, 'quic', r.reason, QUIC_REASONS_COUNTED_HERE);
      return this.datagrams >= limits.maxQuicDatagrams ? 'done' : 'more';
    }
    if (r.status === 'need_more') {
      if (this.datagrams < limits.maxQuicDatagrams) return 'more';
      counters.inc('anomaly.quic.gave_up');
      return 'done';
    }
    if (r.status === 'invalid') {
      countInvalid(counters, 'quic', r.reason, QUIC_REASONS_COUNTED_HERE);
      return 'done';
    }
    const a = flow.attribution;
    const hello = r.value.clientHello;
    // The QUIC version stays; the ClientHello's TLS version is not the flow's.
    a.quic = { ...clientHelloFacts(hello), version: r.value.version };
    this.sawNoSni = !learnFromSni(flow, hello, 'quic_sni', p.ts, this.ctx);
    return 'done';
  }

  stop(): void {
    this.tracker = undefined;
  }

  unknownReason(named: boolean): UnknownNameReason | undefined {
    return !named && this.sawNoSni ? 'quic_no_sni' : undefined;
  }
}

export const quicAnalyzer: PayloadAnalyzer = {
  name: 'quic',
  yields: 'quic_sni',
  input: 'client_datagrams',
  recognises: looksLikeQuicInitial,
  open: (_flow, ctx) => new QuicSession(ctx),
};
