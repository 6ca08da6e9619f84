/**
 * The seam between the outbox (which decides what to send, when, and what to
 * mark delivered) and a transport (which knows one protocol). A transport says
 * "acknowledged" only when the receiver has shown it accepted the message: HTTP
 * 2xx, a RELP `rsp 200`. Plain syslog over TCP/TLS has no application-level
 * acknowledgement; its transport must not treat a successful write as one (a
 * server that rejects the client certificate still accepts the first writes):
 * it waits for evidence the server accepted the session (for TLS, the server's
 * post-handshake message proving the client certificate was accepted, and no
 * close or alert within a grace period), and docs say RELP is the choice when
 * every record must be proven received.
 */
import type { Severity } from '../types.js';

/** What one outbox row carries to a transport. */
export interface OutgoingMessage {
  /** Idempotency key receivers dedupe on: the alert id, or a heartbeat/gap/checkpoint/dropped-event id. */
  readonly id: string;
  /** alert | capture_gap | heartbeat | delivery_dropped | checkpoint */
  readonly kind: OutgoingKind;
  readonly severity: Severity;
  /** Event time, ISO 8601 (RFC 3339) with milliseconds and Z. */
  readonly timestamp: string;
  /** The full ECS record as it was written to NDJSON (one JSON object, no newline). */
  readonly json: string;
  /** Fields for syslog structured data (alert_id, rule, severity, dst, country); absent ones are omitted. */
  readonly summary: Readonly<Record<string, string>>;
}

export type OutgoingKind = 'alert' | 'capture_gap' | 'heartbeat' | 'delivery_dropped' | 'checkpoint';

export type DeliveryOutcome =
  /** The receiver acknowledged at application level (HTTP 2xx, RELP rsp 200). */
  | { readonly kind: 'acknowledged' }
  /** Transient failure: try again later, no earlier than retryAfterMs when given (Retry-After). */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  /** The destination refuses for good (HTTP 410): disable it and say so once. */
  | { readonly kind: 'disabled'; readonly reason: string };

export interface Transport {
  /** The destination as a user wrote it, with secrets removed (for logs and `outbox list`). */
  readonly label: string;
  /** Send one message; resolves (never rejects) with the outcome. Bounded by the transport's timeout. */
  send(message: OutgoingMessage): Promise<DeliveryOutcome>;
  /** Close connections; pending sends resolve as 'retry'. */
  close(): Promise<void>;
}
