/**
 * Request methods recognised at the start of a client stream: RFC 9110, PATCH
 * (RFC 5789), WebDAV (RFC 4918) and the HTTP-over-UDP SSDP methods. Checking the
 * first bytes against this list rejects non-HTTP streams (TLS, SSH, ...) at once.
 */
export const HTTP_METHODS: readonly string[] = [
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT',
  'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE',
];

const SP = 0x20;

/**
 * True when the bytes so far are, or could still become, "METHOD SP" for a known
 * method. A prefix shorter than any method (e.g. "GE") answers true: wait for more.
 */
export function looksLikeHttpRequest(first: Uint8Array): boolean {
  if (first.length === 0) return true;
  return HTTP_METHODS.some((method) => matchesMethod(first, method));
}

function matchesMethod(bytes: Uint8Array, method: string): boolean {
  const n = Math.min(bytes.length, method.length + 1);
  for (let i = 0; i < n; i++) {
    const expected = i < method.length ? method.charCodeAt(i) : SP;
    if (bytes[i] !== expected) return false;
  }
  return true;
}
