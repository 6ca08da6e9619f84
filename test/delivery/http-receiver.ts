/**
 * A small webhook receiver for delivery tests: answers each request by a script
 * (status and headers, hang, reset), records every webhook-id it answered 2xx to,
 * and can hold a request open (the send is in flight, never acknowledged).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = { status: number; headers?: Record<string, string> } | 'hang' | 'reset';

export class HttpReceiver {
  /** webhook-id of every request, in arrival order, whatever the answer. */
  readonly requests: string[] = [];
  /** webhook-id of requests answered 2xx. */
  readonly accepted: string[] = [];
  /** Body of every request by webhook-id (the last one for a repeated id). */
  readonly bodies = new Map<string, string>();
  private readonly held = new Set<http.ServerResponse>();
  private server: http.Server | undefined;
  private onRequest: ((id: string) => void) | undefined;

  constructor(private readonly script: Answer[] = []) {}

  async listen(port = 0): Promise<number> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.bodies.set(String(req.headers['webhook-id'] ?? ''), Buffer.concat(chunks).toString('utf8'));
        this.answer(req, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return (this.server!.address() as AddressInfo).port;
  }

  /** Resolves at the next request (its webhook-id). */
  nextRequest(): Promise<string> {
    return new Promise((resolve) => (this.onRequest = resolve));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const id = String(req.headers['webhook-id'] ?? '');
    this.requests.push(id);
    const cb = this.onRequest;
    this.onRequest = undefined;
    cb?.(id);
    const next = this.script.shift() ?? { status: 200 };
    if (next === 'hang') {
      this.held.add(res);
      return;
    }
    if (next === 'reset') {
      req.socket.destroy();
      return;
    }
    if (next.status >= 200 && next.status < 300) this.accepted.push(id);
    res.writeHead(next.status, next.headers ?? {});
    res.end();
  }

  async close(): Promise<void> {
    for (const res of this.held) res.socket?.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
