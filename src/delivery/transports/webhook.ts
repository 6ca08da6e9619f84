/**
 * Webhook transport: POST the ECS record as JSON, signed per Standard
 * Webhooks. Only a 2xx is an acknowledgement. 410 disables the destination;
 * 429/503 honour Retry-After; a redirect is never followed (it could send
 * alerts somewhere nobody configured) and counts as a failure to retry;
 * anything else, a reset or a receiver that does not answer within the
 * timeout, is retried.
 */
import http from 'node:http';
import https from 'node:https';
import type { DeliveryOutcome, OutgoingMessage, Transport } from '../transport.js';
import type { WebhookDestination } from '../destination.js';
import { TOOL_VERSION } from '../../engine/version.js';
import { parseRetryAfter } from './retry-after.js';
import { tlsConnectionOptions } from './tls-files.js';
import { webhookHeaders } from './webhook-signature.js';

export class WebhookTransport implements Transport {
  readonly label: string;
  private readonly agent: http.Agent;
  private readonly inFlight = new Set<http.ClientRequest>();
  private closed = false;

  constructor(
    private readonly destination: WebhookDestination,
    private readonly now: () => number = Date.now,
  ) {
    this.label = destination.label;
    const isHttps = new URL(destination.url).protocol === 'https:';
    // One kept-alive connection per destination: alerts come in bursts.
    this.agent = isHttps ? new https.Agent({ keepAlive: true, maxSockets: 1 }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'retry', reason: 'transport closed' });
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: DeliveryOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(request);
        resolve(outcome);
      };
      let request: http.ClientRequest;
      try {
        request = this.request(message);
      } catch (err) {
        // A TLS file that vanished since start-up: retry, the outbox reports the reason.
        resolve({ kind: 'retry', reason: `cannot prepare request: ${(err as Error).message}` });
        return;
      }
      this.inFlight.add(request);
      const timer = setTimeout(() => {
        finish({ kind: 'retry', reason: `no answer within ${this.destination.timeoutMs} ms` });
        request.destroy();
      }, this.destination.timeoutMs);
      request.on('response', (response) => {
        // The body is not needed; read it so the kept-alive socket can be reused.
        response.resume();
        response.on('error', () => undefined);
        finish(this.outcome(response));
      });
      request.on('error', (err) => finish({ kind: 'retry', reason: `request failed: ${describe(err)}` }));
      request.on('close', () => finish({ kind: 'retry', reason: 'connection closed before an answer' }));
      request.end(message.json);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const request of this.inFlight) request.destroy();
    this.agent.destroy();
  }

  private request(message: OutgoingMessage): http.ClientRequest {
    const url = new URL(this.destination.url);
    const signed = webhookHeaders(message.id, message.json, this.now(), this.destination.secret);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(message.json)),
      'user-agent': `groundwatch/${TOOL_VERSION}`,
      ...signed,
    };
    if (url.protocol === 'https:') {
      const tls = this.destination.tls ? tlsConnectionOptions(this.destination.tls) : { rejectUnauthorized: true };
      return https.request(url, { method: 'POST', headers, agent: this.agent, ...tls });
    }
    return http.request(url, { method: 'POST', headers, agent: this.agent });
  }

  private outcome(response: http.IncomingMessage): DeliveryOutcome {
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return { kind: 'acknowledged' };
    if (status === 410) return { kind: 'disabled', reason: 'HTTP 410 Gone: the receiver says this webhook no longer exists' };
    if (status >= 300 && status < 400) {
      const location = response.headers.location ?? '(no location)';
      return { kind: 'retry', reason: `HTTP ${status} redirect to ${location} not followed; fix the URL` };
    }
    const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']), this.now());
    const reason = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
    return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code} ${e.message}` : String(e.message ?? err);
}
