/**
 * Evidence that a syslog server kept a fresh TCP/TLS session. A successful
 * connect, handshake or write proves nothing: in TLS 1.3 the client finishes
 * its handshake before the server has looked at the client certificate, and
 * rsyslog checks the peer (chain, name) after the TLS handshake and then just
 * closes. A rejecting server answers with an alert or a close within
 * milliseconds, so the session counts as accepted only when it stays open,
 * with no alert and no close, for a grace period. (A TLS 1.3 NewSessionTicket
 * is no use as proof: rsyslog 8.2302 with GnuTLS sends none at all, to accepted
 * and rejected clients alike; it closed a rejected one 5 ms after the handshake.)
 */
import type { Socket } from 'node:net';
import { describeSocketError } from './stream-connect.js';

/** Resolves when the session survived graceMs; rejects with the reason it did not. */
export function awaitSessionAcceptance(socket: Socket, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) {
      reject(new Error('connection closed by the server right after set-up'));
      return;
    }
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      socket.removeListener('end', onClose);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new Error(`server refused the session: ${describeSocketError(err)}`));
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('server closed the session right after set-up (a rejected client certificate looks like this)'));
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve();
    }, graceMs);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once('end', onClose);
  });
}
