/**
 * A throwaway PKI made with the openssl CLI for delivery tests: a CA, a server
 * certificate for `localhost` / 127.0.0.1, a client certificate from the same
 * CA, and a second, unrelated CA with its own client certificate (the "wrong
 * certificate is rejected" case). EC P-256 keys: quick to make, and both
 * GnuTLS (rsyslog) and Node accept them.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Common name (and DNS SAN) of the client certificate. */
  readonly clientName: string;
  /** From the right CA, but with a name outside *.boxes.example.org (refused where names are checked). */
  readonly outsiderCert: string;
  readonly outsiderKey: string;
  /** A CA the server does not trust, and a client certificate it issued. */
  readonly wrongCaCert: string;
  readonly wrongClientCert: string;
  readonly wrongClientKey: string;
  /** The name the server certificate carries (use as servername). */
  readonly serverName: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { cert, key };
}

function issue(dir: string, name: string, ca: { cert: string; key: string }, extensions: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { cert, key };
}

export function makeTestPki(dir: string): TestPki {
  const ca = makeCa(dir, 'gw-test-ca');
  const serverName = 'localhost';
  const server = issue(dir, 'server', ca,
    `subjectAltName=DNS:${serverName},IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n`);
  const clientName = 'gw-box-01.boxes.example.org';
  const client = issue(dir, clientName, ca, `subjectAltName=DNS:${clientName}\nextendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n`);
  const outsider = issue(dir, 'laptop.example.net', ca, `subjectAltName=DNS:laptop.example.net\nextendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n`);
  const wrongCa = makeCa(dir, 'gw-wrong-ca');
  const wrongClient = issue(dir, 'gw-box-rogue.boxes.example.org', wrongCa, `subjectAltName=DNS:gw-box-rogue.boxes.example.org\nextendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n`);
  return {
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    clientName,
    outsiderCert: outsider.cert,
    outsiderKey: outsider.key,
    wrongCaCert: wrongCa.cert,
    wrongClientCert: wrongClient.cert,
    wrongClientKey: wrongClient.key,
    serverName,
  };
}
