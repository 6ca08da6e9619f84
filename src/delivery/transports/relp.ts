/**
 * RELP transport (relp:// and relp+tls://): the protocol of rsyslog's
 * omrelp/imrelp, whose `rsp 200` per message is a real application-level
 * acknowledgement. One session reused across messages, reopened when it ends.
 */
import type { RelpDestination } from '../destination.js';
import type { DeliveryOutcome, OutgoingMessage, Transport } from '../transport.js';
import { RelpSession, type RelpSessionStats } from './relp-session.js';
import { formatRfc5424 } from './rfc5424.js';
import { connectStream } from './stream-connect.js';

export class RelpTransport implements Transport {
  readonly label: string;
  readonly stats: RelpSessionStats = { malformedFrames: 0 };
  private session: Promise<RelpSession> | undefined;
  private closed = false;

  constructor(private readonly destination: RelpDestination) {
    this.label = destination.label;
  }

  async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    if (this.closed) return { kind: 'retry', reason: 'transport closed' };
    let session: RelpSession;
    try {
      session = await this.currentSession();
    } catch (err) {
      return { kind: 'retry', reason: (err as Error).message };
    }
    return session.sendSyslog(Buffer.from(formatRfc5424(message, this.destination.format), 'utf8'));
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = this.session;
    this.session = undefined;
    if (!opening) return;
    try {
      await (await opening).close();
    } catch {
      // The session never opened: nothing to close.
    }
  }

  private currentSession(): Promise<RelpSession> {
    const existing = this.session;
    if (existing) {
      return existing.then(
        (session) => (session.ended ? this.openSession() : session),
        () => this.openSession(),
      );
    }
    return this.openSession();
  }

  private openSession(): Promise<RelpSession> {
    // Concurrent sends that find no session share one opening.
    const current = this.session;
    const opening = (async () => {
      if (current) {
        const previous = await current.catch(() => undefined);
        if (previous && !previous.ended) return previous;
      }
      const socket = await connectStream(this.destination);
      return RelpSession.open(socket, this.destination.window, this.destination.timeoutMs, this.stats);
    })();
    this.session = opening;
    // A failed opening must not be reported as unhandled; the caller awaits it.
    opening.catch(() => undefined);
    return opening;
  }
}
