/**
 * The rsyslog.conf a test rsyslogd runs with: listeners on 127.0.0.1 only,
 * every groundwatch message written as one JSON line with its structured data
 * parsed by rsyslog's own mmpstrucdata (an independent parser of RFC 5424 SD,
 * escapes and all) and MSG raw. rsyslog's internal messages go to a separate
 * file, for diagnostics.
 */
import type { TestPki } from './test-pki.js';

export interface RsyslogListeners {
  /** syslog over TLS (imtcp, gtls driver), client certificate required and checked against the test CA. */
  readonly tls?: number;
  /** syslog over plain TCP (imtcp). */
  readonly tcp?: number;
  /** RELP over TCP (imrelp). */
  readonly relp?: number;
  /** RELP over TLS (imrelp tls="on"), client certificate required. */
  readonly relpTls?: number;
}

export interface RsyslogPaths {
  readonly workDir: string;
  readonly messagesFile: string;
  readonly internalLog: string;
}

export function rsyslogTestConfig(ports: RsyslogListeners, pki: TestPki, paths: RsyslogPaths): string {
  const lines = [
    `global(`,
    `  workDirectory="${paths.workDir}"`,
    `  maxMessageSize="256k"`,
    // Keep control characters (a newline in a hostile name) as received: the JSON output escapes them.
    `  parser.escapeControlCharactersOnReceive="off"`,
    `  net.enableDNS="off"`,
    `  defaultNetstreamDriverCAFile="${pki.caCert}"`,
    `  defaultNetstreamDriverCertFile="${pki.serverCert}"`,
    `  defaultNetstreamDriverKeyFile="${pki.serverKey}"`,
    `)`,
    `module(load="mmpstrucdata")`,
    `template(name="gw_test_json" type="list" option.jsonf="on") {`,
    `  property(outname="input" name="inputname" format="jsonf")`,
    `  property(outname="pri" name="pri" format="jsonf")`,
    `  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")`,
    `  property(outname="hostname" name="hostname" format="jsonf")`,
    `  property(outname="app" name="app-name" format="jsonf")`,
    `  property(outname="procid" name="procid" format="jsonf")`,
    `  property(outname="msgid" name="msgid" format="jsonf")`,
    `  property(outname="sd_raw" name="structured-data" format="jsonf")`,
    `  property(outname="sd" name="$!rfc5424-sd" format="jsonf")`,
    `  property(outname="msg" name="msg" format="jsonf")`,
    `}`,
    `ruleset(name="gw") {`,
    `  action(type="mmpstrucdata" sd_name.lowercase="off")`,
    `  action(type="omfile" file="${paths.messagesFile}" template="gw_test_json")`,
    `}`,
    `action(type="omfile" file="${paths.internalLog}")`,
  ];
  if (ports.tls !== undefined || ports.tcp !== undefined) {
    lines.push(`module(load="imtcp" maxSessions="100")`);
  }
  if (ports.tls !== undefined) {
    lines.push(
      `input(type="imtcp" name="tls" address="127.0.0.1" port="${ports.tls}" ruleset="gw"`,
      `  streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="x509/certvalid")`,
    );
  }
  if (ports.tcp !== undefined) {
    lines.push(`input(type="imtcp" name="tcp" address="127.0.0.1" port="${ports.tcp}" ruleset="gw")`);
  }
  if (ports.relp !== undefined || ports.relpTls !== undefined) {
    lines.push(`module(load="imrelp")`);
  }
  if (ports.relp !== undefined) {
    lines.push(`input(type="imrelp" name="relp" address="127.0.0.1" port="${ports.relp}" ruleset="gw" maxDataSize="256k")`);
  }
  if (ports.relpTls !== undefined) {
    lines.push(
      `input(type="imrelp" name="relptls" address="127.0.0.1" port="${ports.relpTls}" ruleset="gw" maxDataSize="256k"`,
      `  tls="on" tls.caCert="${pki.caCert}" tls.myCert="${pki.serverCert}" tls.myPrivKey="${pki.serverKey}"`,
      // "name" checks the chain against tls.caCert and the peer name; librelp's "certvalid" let a foreign CA's certificate in.
      `  tls.authMode="name" tls.permittedPeer=["${pki.clientName}"])`,
    );
  }
  return `${lines.join('\n')}\n`;
}
