/** A parsed Destination to the Transport that speaks its protocol. */
import type { Destination } from '../destination.js';
import type { Transport } from '../transport.js';
import { RelpTransport } from './relp.js';
import { SyslogStreamTransport } from './syslog-stream.js';
import { checkTlsFiles } from './tls-files.js';
import { WebhookTransport } from './webhook.js';

/** Throws GroundwatchError (USAGE) when a configured TLS file cannot be read. */
export function createTransport(destination: Destination): Transport {
  checkTlsFiles(destination.label, destination.tls);
  switch (destination.kind) {
    case 'syslog':
      return new SyslogStreamTransport(destination);
    case 'relp':
      return new RelpTransport(destination);
    case 'webhook':
      return new WebhookTransport(destination);
  }
}
