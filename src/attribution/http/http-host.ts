/**
 * Host header value -> the name to attribute (RFC 9110 section 7.2, RFC 3986
 * section 3.2.2): lower-cased, port stripped, IPv6 literal unbracketed and written
 * canonically. IP literals are flagged: they name no one.
 */
import { canonicalIp } from '../../address/ip.js';
import { foldHostName } from '../../util/host-name.js';

export interface HostValue {
  host?: string;
  hostIsIpLiteral: boolean;
}

const PORT = /^\d{0,5}$/;

export function normaliseHost(raw: string): HostValue {
  const value = raw.trim().toLowerCase();
  if (value.startsWith('[')) return bracketed(value);
  const colon = value.lastIndexOf(':');
  if (colon >= 0 && value.indexOf(':') !== colon) return bareIpv6(value);
  const name = colon >= 0 && PORT.test(value.slice(colon + 1)) ? value.slice(0, colon) : value;
  return nameOrIpv4(foldHostName(name));
}

function bracketed(value: string): HostValue {
  const close = value.indexOf(']');
  if (close < 0) return { hostIsIpLiteral: false };
  const after = value.slice(close + 1);
  if (after !== '' && !(after.startsWith(':') && PORT.test(after.slice(1)))) return { hostIsIpLiteral: false };
  const literal = value.slice(1, close);
  const canonical = literal.includes(':') ? canonicalIp(literal) : undefined;
  return canonical ? { host: canonical, hostIsIpLiteral: true } : { hostIsIpLiteral: false };
}

/** An unbracketed IPv6 address is not valid in Host, but some clients send it. */
function bareIpv6(value: string): HostValue {
  const canonical = canonicalIp(value);
  return canonical ? { host: canonical, hostIsIpLiteral: true } : { hostIsIpLiteral: false };
}

function nameOrIpv4(name: string): HostValue {
  if (name === '') return { hostIsIpLiteral: false };
  const canonical = /^[\d.]+$/.test(name) ? canonicalIp(name) : undefined;
  return canonical ? { host: canonical, hostIsIpLiteral: true } : { host: name, hostIsIpLiteral: false };
}
