/**
 * One OutgoingMessage as an RFC 5424 syslog message:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME groundwatch PROCID MSGID [groundwatch@PEN alert_id=".." ...] MSG
 *
 * PRI = facility * 8 + severity, our severities mapped onto syslog's
 * (critical→2 crit, high→3 err, medium→4 warning, low→5 notice, info→6 info).
 * MSGID is the message kind (alert, heartbeat, ...). MSG is the full ECS JSON
 * with every non-ASCII character written as a \u escape: the same JSON value,
 * but pure ASCII, so it is RFC 5424 MSG-ANY and needs no BOM. (A UTF-8 MSG
 * must start with a BOM, §6.4, and a BOM in front of JSON breaks most SIEM
 * JSON parsers.)
 */
import { hostname as osHostname } from 'node:os';
import type { Severity } from '../../types.js';
import type { SyslogFormat } from '../destination.js';
import type { OutgoingMessage } from '../transport.js';
import { sdElement } from './structured-data.js';

export const APP_NAME = 'groundwatch';

const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

/** RFC 5424 TIMESTAMP: RFC 3339 with at most 6 fractional digits. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export function syslogSeverity(severity: Severity): number {
  return SYSLOG_SEVERITY[severity];
}

export function formatRfc5424(message: OutgoingMessage, format: SyslogFormat, procId: number = process.pid): string {
  const pri = format.facility * 8 + syslogSeverity(message.severity);
  const timestamp = TIMESTAMP.test(message.timestamp) ? message.timestamp : '-';
  const host = headerField(format.hostname ?? machineName(), 255);
  const msgId = headerField(message.kind, 32);
  const sd = sdElement(`${APP_NAME}@${format.enterpriseNumber}`, message.summary);
  return `<${pri}>1 ${timestamp} ${host} ${APP_NAME} ${procId} ${msgId} ${sd} ${asciiJson(message.json)}`;
}

let cachedHostname: string | undefined;

/** The machine's name, looked up once (it does not change under a running monitor often enough to matter per message). */
function machineName(): string {
  cachedHostname ??= osHostname();
  return cachedHostname;
}

/** Header fields are 1..N printable US-ASCII characters; anything else becomes the NILVALUE `-`. */
function headerField(value: string, max: number): string {
  return /^[\x21-\x7e]+$/.test(value) && value.length <= max ? value : '-';
}

/**
 * JSON with every character outside printable ASCII escaped: inside JSON strings
 * (the only place such characters can be) `\uXXXX` denotes the same character,
 * so JSON.parse gives the same value.
 */
export function asciiJson(json: string): string {
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
