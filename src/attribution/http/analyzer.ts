/** HTTP/1 over TCP: recognised on a request method, named by the request head's host. */
import { countAnomaly } from '../../counters.js';
import type { Direction, Flow } from '../../flow/flow.js';
import type { Decoded, UnknownNameReason } from '../../types.js';
import type { AnalyzerContext, AnalyzerSession, InspectVerdict, PayloadAnalyzer } from '../analyzer.js';
import { looksLikeHttpRequest } from './http-methods.js';
import { parseHttpRequestHead } from './http-request-head.js';

class HttpSession implements AnalyzerSession {
  /** The request head so far (the client's bytes from the stream's start). */
  private head: Uint8Array | undefined;

  constructor(private readonly ctx: AnalyzerContext) {}

  inspect(flow: Flow, _direction: Direction, _p: Decoded, bytes: Uint8Array): InspectVerdict {
    const { counters, limits } = this.ctx;
    const head = this.head === undefined ? bytes : Buffer.concat([this.head, bytes]);
    this.head = head;
    const r = parseHttpRequestHead(head);
    if (r.status === 'need_more' && head.length < limits.maxHttpHeadBytes) return 'more';
    if (r.status !== 'found') {
      countAnomaly(counters, 'http', r.status === 'invalid' ? r.reason : 'too_large');
      return 'done';
    }
    const request = r.value;
    flow.attribution.http = { method: request.method, ...(request.host !== undefined ? { host: request.host } : {}) };
    if (request.host !== undefined && !request.hostIsIpLiteral) {
      counters.inc('names.http_host');
      this.ctx.learn(flow, { host: request.host, source: 'http_host', ts: flow.lastTs });
    }
    return 'done';
  }

  stop(): void {
    this.head = undefined;
  }

  unknownReason(): UnknownNameReason | undefined {
    return undefined;
  }
}

export const httpAnalyzer: PayloadAnalyzer = {
  name: 'http',
  yields: 'http_host',
  input: 'client_stream',
  recognises: looksLikeHttpRequest,
  open: (_flow, ctx) => new HttpSession(ctx),
};
