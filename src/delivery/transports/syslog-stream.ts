/**
 * Syslog over TCP (syslog+tcp) or TLS (syslog+tls, RFC 5425): RFC 5424
 * messages in octet-counted frames on one connection reused across messages,
 * reopened after any error.
 *
 * There is no acknowledgement in this protocol. A send reports
 * 'acknowledged' on the best evidence there is: the session was accepted
 * (survived the grace period, see session-acceptance.ts), the frame was handed
 * to the kernel within the timeout, and the connection showed no error or
 * close by then. What it cannot prove: that the server read the bytes before a
 * later crash or reset. Use RELP where every record must be proven received.
 */
import type { Socket } from 'node:net';
import type { SyslogDestination } from '../destination.js';
import type { DeliveryOutcome, OutgoingMessage, Transport } from '../transport.js';
import { octetCountedFrame } from './octet-framing.js';
import { formatRfc5424 } from './rfc5424.js';
import { awaitSessionAcceptance } from './session-acceptance.js';
import { connectStream, describeSocketError } from './stream-connect.js';

export class SyslogStreamTransport implements Transport {
  readonly label: string;
  private socket: Socket | undefined;
  /** Why the current connection died (reported on the send that finds it dead). */
  private lostReason: string | undefined;
  /** Sends run one at a time, in order, on the one connection. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly destination: SyslogDestination) {
    this.label = destination.label;
  }

  send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    const result = this.queue.then(() => this.sendNow(message));
    this.queue = result;
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 1000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  private async sendNow(message: OutgoingMessage): Promise<DeliveryOutcome> {
    if (this.closed) return { kind: 'retry', reason: 'transport closed' };
    let socket: Socket;
    try {
      socket = await this.connection();
    } catch (err) {
      return { kind: 'retry', reason: (err as Error).message };
    }
    const frame = octetCountedFrame(formatRfc5424(message, this.destination.format));
    try {
      await this.write(socket, frame);
    } catch (err) {
      this.drop(socket);
      return { kind: 'retry', reason: (err as Error).message };
    }
    // An error or close noticed while the write was queued means the bytes may not have arrived.
    if (socket !== this.socket || socket.destroyed) {
      return { kind: 'retry', reason: `connection lost: ${this.lostReason ?? 'closed'}` };
    }
    return { kind: 'acknowledged' };
  }

  /** The open connection, or a new one once the server has kept it for the grace period. */
  private async connection(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed && this.socket.writable) return this.socket;
    this.socket = undefined;
    const socket = await connectStream(this.destination);
    try {
      await awaitSessionAcceptance(socket, this.destination.acceptGraceMs);
    } catch (err) {
      socket.destroy();
      throw err;
    }
    this.lostReason = undefined;
    socket.on('error', (err) => {
      this.lostReason = describeSocketError(err);
      this.drop(socket);
    });
    socket.on('end', () => this.drop(socket));
    socket.on('close', () => this.drop(socket));
    // A syslog server sends nothing; read and discard so a chatty one cannot fill our buffers.
    socket.on('data', () => undefined);
    this.socket = socket;
    return socket;
  }

  private write(socket: Socket, frame: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`write not taken within ${this.destination.timeoutMs} ms (receiver stuck)`));
      }, this.destination.timeoutMs);
      socket.write(frame, (err) => {
        clearTimeout(timer);
        if (err) reject(new Error(`write failed: ${describeSocketError(err)}`));
        else resolve();
      });
    });
  }

  private drop(socket: Socket): void {
    if (this.socket === socket) this.socket = undefined;
    socket.destroy();
  }
}
