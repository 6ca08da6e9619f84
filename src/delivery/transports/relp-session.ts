/**
 * One RELP session (librelp doc/relp.md): `open` with offers, then `syslog`
 * commands each answered by `rsp` with the same txnr, up to `window` commands
 * outstanding, then `close`. A `rsp 200` is the receiver's acknowledgement;
 * anything that ends the session (serverclose, a reset, a bad frame, a command
 * not answered within the timeout) leaves every unanswered command
 * unacknowledged, and the caller sends it again on a new session.
 */
import type { Socket } from 'node:net';
import { TOOL_VERSION } from '../../engine/version.js';
import type { DeliveryOutcome } from '../transport.js';
import { encodeRelpFrame, parseRelpOffers, parseRelpResponse, RelpFrameParser, type RelpFrame } from './relp-frame.js';
import { describeSocketError } from './stream-connect.js';

/** librelp, the implementation behind rsyslog's omrelp/imrelp, speaks protocol version 0. */
const RELP_VERSION = '0';
const MAX_TXNR = 999_999_999;
const CLOSE_WAIT_MS = 2_000;

interface Pending {
  readonly command: string;
  readonly resolve: (response: { code: number; message: string; body: string } | Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Counters a caller may report: frames from the server that were not RELP. */
export interface RelpSessionStats {
  malformedFrames: number;
}

export class RelpSession {
  private readonly parser = new RelpFrameParser();
  private readonly pending = new Map<number, Pending>();
  private readonly windowWaiters: Array<() => void> = [];
  private nextTxnr = 1;
  private endedReason: string | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly window: number,
    private readonly timeoutMs: number,
    readonly stats: RelpSessionStats,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.end(`connection error: ${describeSocketError(err)}`));
    socket.on('end', () => this.end('server closed the connection'));
    socket.on('close', () => this.end('connection closed'));
  }

  /** Sends `open` on a connected socket; resolves once the server's offers allow the `syslog` command. */
  static async open(socket: Socket, window: number, timeoutMs: number, stats: RelpSessionStats): Promise<RelpSession> {
    const session = new RelpSession(socket, window, timeoutMs, stats);
    const offers = `relp_version=${RELP_VERSION}\nrelp_software=groundwatch,${TOOL_VERSION}\ncommands=syslog`;
    const answer = await session.command('open', Buffer.from(offers, 'utf8'));
    if (answer instanceof Error) {
      session.socket.destroy();
      throw answer;
    }
    const accepted = parseRelpOffers(answer.body);
    const problem =
      answer.code !== 200
        ? `server refused open: ${answer.code} ${answer.message}`
        : !accepted.has('relp_version')
          ? 'server answered open without relp_version'
          : !(accepted.get('commands') ?? []).includes('syslog')
            ? 'server does not accept the syslog command'
            : undefined;
    if (problem) {
      session.end(problem);
      throw new Error(problem);
    }
    return session;
  }

  /** Why the session can no longer be used, or undefined while it can. */
  get ended(): string | undefined {
    return this.endedReason;
  }

  /** One syslog message; 'acknowledged' only on `rsp 200`. */
  async sendSyslog(message: Buffer): Promise<DeliveryOutcome> {
    const answer = await this.command('syslog', message);
    if (answer instanceof Error) return { kind: 'retry', reason: answer.message };
    if (answer.code === 200) return { kind: 'acknowledged' };
    return { kind: 'retry', reason: `RELP rsp ${answer.code}${answer.message ? ` ${answer.message}` : ''}` };
  }

  /** `close`, wait (bounded) for its rsp, then close the connection; unanswered commands resolve as retry. */
  async close(): Promise<void> {
    if (!this.endedReason) {
      // Bounded: a server that does not answer close must not hold up shutdown.
      const answered = this.command('close', Buffer.alloc(0));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([answered, new Promise((resolve) => (timer = setTimeout(resolve, Math.min(this.timeoutMs, CLOSE_WAIT_MS))))]);
      clearTimeout(timer);
      this.end('session closed by groundwatch');
    }
    this.socket.destroy();
  }

  private async command(command: string, data: Buffer): Promise<{ code: number; message: string; body: string } | Error> {
    while (!this.endedReason && this.pending.size >= this.window) {
      await new Promise<void>((resolve) => this.windowWaiters.push(resolve));
    }
    if (this.endedReason) return new Error(this.endedReason);
    const txnr = this.nextTxnr;
    this.nextTxnr = txnr >= MAX_TXNR ? 1 : txnr + 1;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.end(`no RELP rsp to ${command} ${txnr} within ${this.timeoutMs} ms`);
      }, this.timeoutMs);
      this.pending.set(txnr, { command, resolve, timer });
      this.socket.write(encodeRelpFrame(txnr, command, data));
    });
  }

  private receive(chunk: Buffer): void {
    const { frames, error } = this.parser.push(chunk);
    for (const frame of frames) this.handle(frame);
    if (error) {
      this.stats.malformedFrames += 1;
      this.end(`malformed RELP frame from the server: ${error}`);
    }
  }

  private handle(frame: RelpFrame): void {
    if (frame.txnr === 0 && frame.command === 'serverclose') {
      this.end('server closed the session (serverclose)');
      return;
    }
    const pending = this.pending.get(frame.txnr);
    const response = frame.command === 'rsp' ? parseRelpResponse(frame.data) : undefined;
    if (!pending || !response) {
      this.stats.malformedFrames += 1;
      this.end(`unexpected RELP frame from the server: ${frame.txnr} ${frame.command}`);
      return;
    }
    this.pending.delete(frame.txnr);
    clearTimeout(pending.timer);
    pending.resolve(response);
    this.windowWaiters.shift()?.();
  }

  /** Ends the session once: every unanswered command and every waiter learns why. */
  private end(reason: string): void {
    if (this.endedReason) return;
    this.endedReason = reason;
    for (const [txnr, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve(new Error(`${reason} before rsp to ${pending.command} ${txnr}`));
    }
    this.pending.clear();
    for (const wake of this.windowWaiters.splice(0)) wake();
    this.socket.destroy();
  }
}
