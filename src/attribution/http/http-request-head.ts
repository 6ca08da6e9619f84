/**
 * HTTP/1.x request head (RFC 9112): method, request target and the host the
 * client addressed. Input is the client's in-order byte stream from its start;
 * the answer is need_more until the blank line that ends the head.
 */
import { found, invalid, NEED_MORE, type ParseResult } from '../../parse-result.js';
import { normaliseHost } from './http-host.js';
import { looksLikeHttpRequest } from './http-methods.js';

export interface HttpRequestHead {
  method: string;
  /** Lower-case name or canonical address; absent when no usable host was sent. */
  host?: string;
  /** The target's authority when the request is absolute-form or CONNECT (RFC 9112 section 3.2.2), else the Host header; exactly as sent. */
  rawHost?: string;
  hostIsIpLiteral: boolean;
  target: string;
}

export const MAX_HTTP_HEAD = 16 * 1024;

const REQUEST_LINE = /^(\S+) (\S+) HTTP\/\d\.\d$/;
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

export function parseHttpRequestHead(bytes: Uint8Array): ParseResult<HttpRequestHead> {
  if (!looksLikeHttpRequest(bytes.subarray(0, 16))) return invalid('not_http');
  const end = headEnd(bytes);
  if (end < 0) return bytes.length >= MAX_HTTP_HEAD ? invalid('too_large') : NEED_MORE;
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1').split('\n').map(stripCr);
  const requestLine = REQUEST_LINE.exec(lines[0] ?? '');
  if (!requestLine) return invalid('bad_request_line');
  const method = requestLine[1]!;
  const target = requestLine[2]!;
  // RFC 9112 section 3.2.2: with an absolute-form target (a proxy request) the target's authority
  // is the host and the Host header is ignored; likewise CONNECT's authority-form target.
  const rawHost = targetAuthority(method, target) ?? hostHeader(lines);
  if (rawHost === undefined) return found({ method, hostIsIpLiteral: false, target });
  const { host, hostIsIpLiteral } = normaliseHost(rawHost);
  return found(host === undefined ? { method, rawHost, hostIsIpLiteral, target } : { method, host, rawHost, hostIsIpLiteral, target });
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Offset of the end of the head (CRLFCRLF, or LFLF from lenient clients), or -1. */
function headEnd(bytes: Uint8Array): number {
  const limit = Math.min(bytes.length, MAX_HTTP_HEAD);
  for (let i = 1; i < limit; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i - 1] === 0x0a) return i - 1;
    if (bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a) return i - 2;
  }
  return -1;
}

/** The first Host header's value (RFC 9112 section 3.2: a second one makes the request invalid anyway). */
function hostHeader(lines: string[]): string | undefined {
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon === 4 && line.slice(0, 4).toLowerCase() === 'host') return line.slice(5).trim();
  }
  return undefined;
}

/** Authority of an absolute-form target (proxy requests) or authority-form (CONNECT). */
function targetAuthority(method: string, target: string): string | undefined {
  const absolute = ABSOLUTE_FORM.exec(target);
  if (absolute) {
    const authority = absolute[1]!;
    const at = authority.lastIndexOf('@');
    return at >= 0 ? authority.slice(at + 1) : authority;
  }
  return method === 'CONNECT' ? target : undefined;
}
