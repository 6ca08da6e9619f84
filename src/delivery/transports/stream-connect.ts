/**
 * Opening the TCP or TLS connection syslog and RELP ride on, bounded by a
 * timeout. TLS always verifies the server: against the CA file (or the system
 * store), for the expected name (servername, or the URL host).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TlsFiles } from '../destination.js';
import { tlsConnectionOptions } from './tls-files.js';

export interface StreamTarget {
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsFiles;
  readonly timeoutMs: number;
}

/** Resolves once connected (TLS: handshake done and server verified); rejects with a one-line reason. */
export function connectStream(target: StreamTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    try {
      socket = target.tls
        ? tls.connect({ host: target.host, port: target.port, minVersion: 'TLSv1.2', ...tlsConnectionOptions(target.tls) })
        : net.connect({ host: target.host, port: target.port });
    } catch (err) {
      reject(new Error(`cannot prepare connection: ${(err as Error).message}`));
      return;
    }
    const timer = setTimeout(() => fail(new Error(`no connection within ${target.timeoutMs} ms`)), target.timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(describeSocketError(err)));
    };
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('connection closed during set-up')));
    socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      socket.removeAllListeners('close');
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    });
  });
}

export function describeSocketError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code && !String(e.message).includes(e.code) ? `${e.code} ${e.message}` : String(e.message ?? err);
}
