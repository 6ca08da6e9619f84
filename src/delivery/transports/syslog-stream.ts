/**
 * Syslog over TCP (syslog+tcp) or TLS (syslog+tls, RFC 5425): RFC 5424
 * messages in octet-counted frames on one connection reused across messages,
 * reopened after any error.
 *
 * There is no acknowledgement in this protocol. A send reports
 * 'acknowledged' on the best evidence there is: the session was accepted
 * (survived the grace period, see session-acceptance.ts), the frame was handed
 * to the kernel within the timeout, and the connection then stayed free of
 * errors and closes for settleMs (a server that goes down with our frame
 * unread resets the connection; seen within settleMs, the message is retried,
 * perhaps duplicated, not lost). What it cannot prove: that a server which
 * read the bytes kept them, or that one dying later had read them. Use RELP
 * where every record must be proven received.
 *
 * Writes are serialised; the settle waits overlap, so concurrent sends keep
 * the connection's throughput while each waits its own settle period.
 */
import type { Socket } from 'node:net';
import type { SyslogDestination } from '../destination.js';
import type { DeliveryOutcome, OutgoingMessage, Transport } from '../transport.js';
import { octetCountedFrame } from './octet-framing.js';
import { formatRfc5424 } from './rfc5424.js';
import { awaitSessionAcceptance } from './session-acceptance.js';
import { connectStream, describeSocketError } from './stream-connect.js';

/** One connection and, once it is gone, why. */
interface Connection {
  readonly socket: Socket;
  lostReason?: string;
  readonly lostListeners: Set<(reason: string) => void>;
}

type WriteResult = { readonly connection: Connection } | { readonly outcome: DeliveryOutcome };

export class SyslogStreamTransport implements Transport {
  readonly label: string;
  private current: Connection | undefined;
  /** Writes run one at a time, in order, on the one connection. */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly settling = new Set<() => void>();
  private closed = false;

  constructor(private readonly destination: SyslogDestination) {
    this.label = destination.label;
  }

  async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    const written = this.writes.then(() => this.write(message));
    this.writes = written;
    const result = await written;
    if ('outcome' in result) return result.outcome;
    return this.settle(result.connection);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const cut of [...this.settling]) cut();
    const connection = this.current;
    this.current = undefined;
    const socket = connection?.socket;
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

  private async write(message: OutgoingMessage): Promise<WriteResult> {
    if (this.closed) return { outcome: { kind: 'retry', reason: 'transport closed' } };
    let connection: Connection;
    try {
      connection = await this.connection();
    } catch (err) {
      return { outcome: { kind: 'retry', reason: (err as Error).message } };
    }
    const frame = octetCountedFrame(formatRfc5424(message, this.destination.format));
    try {
      await this.writeFrame(connection.socket, frame);
    } catch (err) {
      this.lose(connection, (err as Error).message);
      return { outcome: { kind: 'retry', reason: (err as Error).message } };
    }
    return { connection };
  }

  /** 'acknowledged' when the connection stays healthy for settleMs after the write. */
  private settle(connection: Connection): Promise<DeliveryOutcome> {
    const lost = (reason: string): DeliveryOutcome => ({ kind: 'retry', reason: `connection lost right after the write: ${reason}` });
    if (connection.lostReason !== undefined) return Promise.resolve(lost(connection.lostReason));
    return new Promise((resolve) => {
      const finish = (outcome: DeliveryOutcome): void => {
        clearTimeout(timer);
        connection.lostListeners.delete(onLost);
        this.settling.delete(onClose);
        resolve(outcome);
      };
      const onLost = (reason: string): void => finish(lost(reason));
      const onClose = (): void => finish({ kind: 'retry', reason: 'transport closed before the write settled' });
      const timer = setTimeout(() => finish({ kind: 'acknowledged' }), this.destination.settleMs);
      connection.lostListeners.add(onLost);
      this.settling.add(onClose);
    });
  }

  /** The open connection, or a new one once the server has kept it for the grace period. */
  private async connection(): Promise<Connection> {
    const open = this.current;
    if (open && open.lostReason === undefined && !open.socket.destroyed && open.socket.writable) return open;
    this.current = undefined;
    const socket = await connectStream(this.destination);
    // A syslog server sends nothing; read and discard (also so an alert or EOF is seen while waiting below).
    socket.on('data', () => undefined);
    try {
      await awaitSessionAcceptance(socket, this.destination.acceptGraceMs);
    } catch (err) {
      socket.destroy();
      throw err;
    }
    const connection: Connection = { socket, lostListeners: new Set() };
    socket.on('error', (err) => this.lose(connection, describeSocketError(err)));
    socket.on('end', () => this.lose(connection, 'server closed the connection'));
    socket.on('close', () => this.lose(connection, 'connection closed'));
    this.current = connection;
    return connection;
  }

  private writeFrame(socket: Socket, frame: Buffer): Promise<void> {
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

  /** Marks the connection gone (once), tells the sends still settling on it, and closes it. */
  private lose(connection: Connection, reason: string): void {
    if (this.current === connection) this.current = undefined;
    if (connection.lostReason === undefined) {
      connection.lostReason = reason;
      for (const listener of [...connection.lostListeners]) listener(reason);
    }
    connection.socket.destroy();
  }
}
