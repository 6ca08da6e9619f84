/**
 * A delivery destination after parsing: which protocol, where, with which TLS
 * files and secret. parseDestination (url.ts) builds these from a `--deliver`
 * URL or a config `deliver:` entry; createTransport (transports/factory.ts)
 * turns one into a Transport.
 */
import type { Severity } from '../types.js';

/** TLS material as file paths (read when the transport connects, so a renewed certificate is picked up). */
export interface TlsFiles {
  /** CA bundle the server certificate must chain to; absent = the system trust store. */
  readonly ca?: string;
  /** Client certificate (PEM) presented to the server. */
  readonly cert?: string;
  /** Private key (PEM) of the client certificate. */
  readonly key?: string;
  /** Name the server certificate must carry (and SNI); default the URL host when it is a name. */
  readonly servername?: string;
}

interface DestinationCommon {
  /** The destination as the user wrote it, secrets and query removed: safe for logs and `outbox list`. */
  readonly label: string;
  /**
   * Stable identity for queueing (one outbox queue per destination): the label, plus a short hash of
   * the full target when the label leaves part of it out (a webhook's own query), so two webhooks that
   * differ only in their query get two queues, and no token is written in clear.
   */
  readonly key: string;
  /** Only messages at or above this severity go to this destination (the outbox filters). */
  readonly minSeverity?: Severity | undefined;
  /** A send (connect, handshake, write, acknowledgement) that takes longer is cut and retried. */
  readonly timeoutMs: number;
}

/** Settings of the RFC 5424 message (shared by syslog over TCP/TLS and RELP). */
export interface SyslogFormat {
  /** Syslog facility number 0..23 (default 16, local0). */
  readonly facility: number;
  /** Private enterprise number in the SD-ID `groundwatch@<pen>` (default 32473, RFC 5612 documentation PEN). */
  readonly enterpriseNumber: string;
  /** HOSTNAME field; default the machine's host name. */
  readonly hostname?: string;
}

export interface SyslogDestination extends DestinationCommon {
  readonly kind: 'syslog';
  readonly host: string;
  readonly port: number;
  /** Absent: plain TCP (syslog+tcp). */
  readonly tls?: TlsFiles;
  readonly format: SyslogFormat;
  /** How long a fresh TLS/TCP session must stay open without alert or close before writes count as accepted. */
  readonly acceptGraceMs: number;
  /** How long the connection must stay healthy after a write before that message counts as delivered. */
  readonly settleMs: number;
}

export interface RelpDestination extends DestinationCommon {
  readonly kind: 'relp';
  readonly host: string;
  readonly port: number;
  /** Absent: RELP over plain TCP. */
  readonly tls?: TlsFiles;
  readonly format: SyslogFormat;
  /** Most commands sent and not yet answered (the RELP window). */
  readonly window: number;
}

export interface WebhookDestination extends DestinationCommon {
  readonly kind: 'webhook';
  /** The URL POSTed to, with groundwatch's own query parameters removed. */
  readonly url: string;
  /** Standard Webhooks key bytes (the base64 after `whsec_`); absent: requests are not signed. */
  readonly secret?: Buffer;
  /** Extra TLS files for https (private CA, client certificate). */
  readonly tls?: TlsFiles;
}

export type Destination = SyslogDestination | RelpDestination | WebhookDestination;
