/**
 * Names on the wire are bytes. A hostile client may put control characters or
 * invalid UTF-8 in them; both must survive to the record untouched so an
 * analyst sees what was sent. Valid UTF-8 is kept as UTF-8, anything else is
 * mapped byte-for-byte (latin1), so decoding never throws and never drops bytes.
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeWireText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}
