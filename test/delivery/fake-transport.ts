/** In-process transports for outbox tests: scripted outcomes, a log of every send, and a hang. */
import type { DeliveryOutcome, OutgoingMessage, Transport } from '../../src/delivery/transport.js';

export class ScriptedTransport implements Transport {
  readonly sent: OutgoingMessage[] = [];
  private closed = false;
  private readonly hanging = new Set<(o: DeliveryOutcome) => void>();

  constructor(
    readonly label: string,
    /** Outcome per attempt, in order; after the script ends every send is acknowledged. */
    private readonly script: (DeliveryOutcome | 'hang')[] = [],
  ) {}

  acknowledgedIds(): string[] {
    return this.acked;
  }

  private readonly acked: string[] = [];

  send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    this.sent.push(message);
    if (this.closed) return Promise.resolve({ kind: 'retry', reason: 'closed' });
    const next = this.script.shift() ?? { kind: 'acknowledged' };
    if (next === 'hang') {
      return new Promise((resolve) => this.hanging.add(resolve));
    }
    if (next.kind === 'acknowledged') this.acked.push(message.id);
    return Promise.resolve(next);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.hanging) resolve({ kind: 'retry', reason: 'closed while sending' });
    this.hanging.clear();
  }
}
