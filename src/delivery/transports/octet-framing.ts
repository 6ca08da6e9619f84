/**
 * RFC 6587 §3.4.1 octet counting, the framing RFC 5425 requires for syslog
 * over TLS: `MSG-LEN SP SYSLOG-MSG`, the length in octets. Unlike LF framing,
 * a newline inside the message (a hostile name in structured data) cannot end
 * it early.
 */
export function octetCountedFrame(syslogMessage: string): Buffer {
  const body = Buffer.from(syslogMessage, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
