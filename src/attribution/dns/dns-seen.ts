import type { Direction, Flow } from '../../flow/flow.js';
import type { Decoded } from '../../types.js';
import type { DnsMessage } from './dns-message.js';

/** One DNS message seen on a flow, for the DNS record and the rules. */
export interface DnsSeen {
  flow: Flow;
  direction: Direction;
  message: DnsMessage;
  packet: Decoded;
}
