import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDestination } from '../../../src/delivery/url.js';
import { GroundwatchError } from '../../../src/errors.js';

function usageLine(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GroundwatchError);
    return (err as GroundwatchError).toLine();
  }
  throw new Error('expected a GroundwatchError');
}

describe('parseDestination: URL forms', () => {
  it('syslog+tls with TLS files as query parameters', () => {
    const d = parseDestination('syslog+tls://siem.example.org:6514?ca=/etc/gw/ca.pem&cert=/etc/gw/c.pem&key=/etc/gw/k.pem&min_severity=high');
    expect(d).toMatchObject({
      kind: 'syslog',
      host: 'siem.example.org',
      port: 6514,
      tls: { ca: '/etc/gw/ca.pem', cert: '/etc/gw/c.pem', key: '/etc/gw/k.pem', servername: 'siem.example.org' },
      minSeverity: 'high',
      label: 'syslog+tls://siem.example.org:6514',
      format: { facility: 16, enterpriseNumber: '32473' },
    });
  });

  it('syslog+tcp has no TLS; relp and relp+tls; IPv6 hosts lose their brackets', () => {
    const tcp = parseDestination('syslog+tcp://127.0.0.1:514');
    expect(tcp).toMatchObject({ kind: 'syslog', host: '127.0.0.1', port: 514 });
    expect('tls' in tcp).toBe(false);
    const relp = parseDestination('relp://[::1]:2514');
    expect(relp).toMatchObject({ kind: 'relp', host: '::1', port: 2514, window: 128 });
    expect('tls' in relp).toBe(false);
    const relpTls = parseDestination('relp+tls://127.0.0.1:2515', { ca: '/ca.pem', servername: 'central' });
    // An address host gets no default servername: the certificate's IP SAN is checked instead.
    expect(relpTls).toMatchObject({ kind: 'relp', tls: { ca: '/ca.pem', servername: 'central' } });
    expect(parseDestination('relp+tls://127.0.0.1:2515')).toMatchObject({ tls: {} });
  });

  it('option keys (a config entry) and query parameters combine; a contradiction is an error', () => {
    const d = parseDestination('syslog+tls://h:6514?ca=/a.pem', { cert: '/c.pem', key: '/k.pem', enterprise_number: 99999, facility: 'local3' });
    expect(d).toMatchObject({ tls: { ca: '/a.pem', cert: '/c.pem', key: '/k.pem' }, format: { enterpriseNumber: '99999', facility: 19 } });
    expect(usageLine(() => parseDestination('syslog+tls://h:6514?ca=/a.pem', { ca: '/b.pem' }))).toMatch(
      /^groundwatch: USAGE: --deliver syslog\+tls:\/\/h:6514: ca is given both in the URL \(\/a\.pem\) and as an option \(\/b\.pem\)$/,
    );
  });

  it('webhook: https and http; groundwatch parameters are removed from the POSTed URL, the receiver\'s kept', () => {
    const d = parseDestination('https://hooks.example.org/in/gw?tenant=7&min_severity=medium&timeout_ms=2500');
    expect(d).toMatchObject({ kind: 'webhook', url: 'https://hooks.example.org/in/gw?tenant=7', minSeverity: 'medium', timeoutMs: 2500 });
    expect(d.label).toBe('https://hooks.example.org/in/gw');
    // Two webhooks differing only in the receiver's query are two destinations; the key shows no token.
    const other = parseDestination('https://hooks.example.org/in/gw?tenant=8');
    expect(d.key).not.toBe(other.key);
    expect(d.key).toMatch(/^https:\/\/hooks\.example\.org\/in\/gw#[0-9a-f]{12}$/);
    expect(parseDestination('https://hooks.example.org/in/gw?min_severity=high').key).toBe('https://hooks.example.org/in/gw');
    expect(parseDestination('relp://h:2514?window=4').key).toBe('relp://h:2514');
    expect(parseDestination('http://127.0.0.1:8080/x')).toMatchObject({ kind: 'webhook', url: 'http://127.0.0.1:8080/x' });
  });
});

describe('parseDestination: errors are one clear USAGE line', () => {
  it.each([
    ['ftp://h:21', /unknown scheme "ftp"; use syslog\+tls, syslog\+tcp, relp, relp\+tls, https or http/],
    ['syslog://h:514', /unknown scheme "syslog"/],
    ['syslog+tls://h', /no port \(write syslog\+tls:\/\/h:PORT\)/],
    ['relp://h:0', /bad port 0/],
    ['relp://h:70000', /bad port 70000/],
    ['syslog+tcp://h:514?ca=/x', /ca\/cert\/key\/servername need a TLS scheme \(syslog\+tls\)/],
    ['syslog+tls://h:6514?cert=/c', /a client certificate needs both cert and key/],
    ['syslog+tls://h:6514?colour=red', /unknown parameter "colour"/],
    ['syslog+tls://h:6514?min_severity=urgent', /min_severity "urgent": use info, low, medium, high, critical/],
    ['syslog+tls://h:6514?enterprise_number=abc', /enterprise_number "abc" is not a private enterprise number/],
    ['syslog+tls://h:6514?facility=99', /facility "99"/],
    ['syslog+tcp://h:514/path', /has no path/],
    ['not a url', /not a URL/],
  ])('%s', (url, message) => {
    const line = usageLine(() => parseDestination(url));
    expect(line).toMatch(/^groundwatch: USAGE: --deliver /);
    expect(line).toMatch(message);
    expect(line.split('\n')).toHaveLength(1);
  });

  it('a literal secret in the URL is refused, and the error does not repeat it', () => {
    for (const url of [
      'https://hooks.example.org/x?secret=hunter2hunter2',
      'https://hooks.example.org/x?sig=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'https://user:hunter2@hooks.example.org/x',
    ]) {
      const line = usageLine(() => parseDestination(url));
      expect(line).toMatch(/literal secret|credentials in the URL/);
      expect(line).toMatch(/secret_file|secret_env/);
      expect(line).not.toMatch(/hunter2|MfKQ9r8/);
    }
  });
});

describe('parseDestination: webhook secret from a file or the environment', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const keyBytes = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');

  it('secret_file (final newline ignored)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-secret-'));
    const file = join(dir, 'webhook.secret');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    const d = parseDestination(`https://h.example/x?secret_file=${encodeURIComponent(file)}`);
    expect(d.kind === 'webhook' && d.secret).toEqual(keyBytes);
    expect(d.kind === 'webhook' && d.url).toBe('https://h.example/x');
  });

  it('secret_env', () => {
    const d = parseDestination('https://h.example/x', { secret_env: 'GW_HOOK' }, { env: { GW_HOOK: secret } });
    expect(d.kind === 'webhook' && d.secret).toEqual(keyBytes);
  });

  it('missing variable, unreadable file, not base64, both sources', () => {
    expect(usageLine(() => parseDestination('https://h/x', { secret_env: 'NOPE' }, { env: {} }))).toMatch(/secret_env NOPE: that environment variable is not set/);
    expect(usageLine(() => parseDestination('https://h/x', { secret_file: '/nonexistent/s' }))).toMatch(/secret_file \/nonexistent\/s cannot be read \(ENOENT\)/);
    expect(usageLine(() => parseDestination('https://h/x', { secret_env: 'S' }, { env: { S: 'whsec_not base64!' } }))).toMatch(/not whsec_ followed by base64/);
    expect(usageLine(() => parseDestination('https://h/x', { secret_env: 'S', secret_file: '/f' }, { env: { S: secret } }))).toMatch(/not both/);
  });
});
