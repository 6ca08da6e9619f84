import { describe, expect, it } from 'vitest';
import { MAX_HTTP_HEAD, parseHttpRequestHead } from '../../../src/attribution/http/http-request-head.js';
import { looksLikeHttpRequest } from '../../../src/attribution/http/http-methods.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => parseHttpRequestHead(bytes(text));

describe('parseHttpRequestHead', () => {
  it('reads method, target and Host (lower-cased, port stripped)', () => {
    expect(parse('GET /index.html HTTP/1.1\r\nUser-Agent: x\r\nHOST:  Example.COM:8080 \r\n\r\nbody')).toEqual({
      status: 'found',
      value: { method: 'GET', target: '/index.html', host: 'example.com', rawHost: 'Example.COM:8080', hostIsIpLiteral: false },
    });
  });

  it('handles a head delivered one byte at a time', () => {
    const text = 'POST /api HTTP/1.1\r\nHost: api.example.org\r\nContent-Length: 2\r\n\r\nhi';
    const end = text.indexOf('\r\n\r\n') + 4;
    for (let n = 0; n < end; n++) expect(parse(text.slice(0, n)).status).toBe('need_more');
    for (let n = end; n <= text.length; n++) {
      const result = parse(text.slice(0, n));
      expect(result.status === 'found' && result.value.host).toBe('api.example.org');
    }
  });

  it('accepts bare LF line ends', () => {
    const result = parse('GET / HTTP/1.0\nHost: lf.example\n\n');
    expect(result.status === 'found' && result.value.host).toBe('lf.example');
  });

  it('a request without headers has no host', () => {
    expect(parse('GET / HTTP/1.0\r\n\r\n')).toEqual({ status: 'found', value: { method: 'GET', target: '/', hostIsIpLiteral: false } });
  });

  it('uses the absolute-form target when there is no Host header', () => {
    const result = parse('GET http://user@Proxy.Example:3128/x?y HTTP/1.1\r\nAccept: */*\r\n\r\n');
    expect(result).toEqual({
      status: 'found',
      value: { method: 'GET', target: 'http://user@Proxy.Example:3128/x?y', host: 'proxy.example', rawHost: 'Proxy.Example:3128', hostIsIpLiteral: false },
    });
  });

  it('prefers the absolute-form target over a different Host header (RFC 9112 section 3.2.2: the Host header is ignored)', () => {
    const result = parse('GET http://flysafe-api.dji.com/v1 HTTP/1.1\r\nHost: proxy.example\r\n\r\n');
    expect(result.status === 'found' && [result.value.host, result.value.rawHost]).toEqual(['flysafe-api.dji.com', 'flysafe-api.dji.com']);
    const origin = parse('GET /v1 HTTP/1.1\r\nHost: origin.example\r\n\r\n');
    expect(origin.status === 'found' && origin.value.host).toBe('origin.example');
  });

  it('uses the CONNECT authority when there is no Host header', () => {
    const result = parse('CONNECT tunnel.example:443 HTTP/1.1\r\n\r\n');
    expect(result.status === 'found' && result.value.host).toBe('tunnel.example');
  });

  it('IPv6 literals: brackets removed, address canonical, flagged', () => {
    const result = parse('GET / HTTP/1.1\r\nHost: [2001:DB8:0:0::1]:80\r\n\r\n');
    expect(result).toEqual({
      status: 'found',
      value: { method: 'GET', target: '/', host: '2001:db8::1', rawHost: '[2001:DB8:0:0::1]:80', hostIsIpLiteral: true },
    });
  });

  it('IPv4 literals are flagged; malformed bracket hosts give no host but keep rawHost', () => {
    const v4 = parse('GET / HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n\r\n');
    expect(v4.status === 'found' && [v4.value.host, v4.value.hostIsIpLiteral]).toEqual(['10.0.0.1', true]);
    const bad = parse('GET / HTTP/1.1\r\nHost: [::1\r\n\r\n');
    expect(bad).toEqual({ status: 'found', value: { method: 'GET', target: '/', rawHost: '[::1', hostIsIpLiteral: false } });
  });

  it('a name that only looks numeric-ish is a name', () => {
    const result = parse('GET / HTTP/1.1\r\nHost: 1.2.3.4.example.\r\n\r\n');
    expect(result.status === 'found' && [result.value.host, result.value.hostIsIpLiteral]).toEqual(['1.2.3.4.example', false]);
  });

  it('rejects non-HTTP starts at once', () => {
    expect(parseHttpRequestHead(Uint8Array.of(0x16, 0x03, 0x01, 0x02, 0x00))).toEqual({ status: 'invalid', reason: 'not_http' });
    expect(parse('SSH-2.0-OpenSSH_9.2\r\n')).toEqual({ status: 'invalid', reason: 'not_http' });
    expect(parse('GETX / HTTP/1.1\r\n\r\n')).toEqual({ status: 'invalid', reason: 'not_http' });
  });

  it('rejects a bad request line', () => {
    expect(parse('GET /\r\n\r\n')).toEqual({ status: 'invalid', reason: 'bad_request_line' });
  });

  it('gives up with too_large when no head end is found within 16 KiB', () => {
    const long = `GET / HTTP/1.1\r\nX-Pad: ${'a'.repeat(MAX_HTTP_HEAD)}`;
    expect(parse(long.slice(0, MAX_HTTP_HEAD - 1)).status).toBe('need_more');
    expect(parse(long)).toEqual({ status: 'invalid', reason: 'too_large' });
  });
});

describe('looksLikeHttpRequest', () => {
  it('accepts known methods and their prefixes, rejects the rest', () => {
    expect(looksLikeHttpRequest(bytes('GET / HTTP/1.1'))).toBe(true);
    expect(looksLikeHttpRequest(bytes('M-SEARCH * HTTP/1.1'))).toBe(true);
    expect(looksLikeHttpRequest(bytes('OPTI'))).toBe(true);
    expect(looksLikeHttpRequest(bytes('get / HTTP/1.1'))).toBe(false);
    expect(looksLikeHttpRequest(bytes('HTTP/1.1 200 OK'))).toBe(false);
  });
});
