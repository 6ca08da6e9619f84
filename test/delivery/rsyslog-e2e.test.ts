/**
 * End to end from the built CLI to a real rsyslogd (test/support/rsyslog.ts):
 * replaying fixtures/session-dji-mixed.pcapng with `--deliver` puts every alert into
 * rsyslog's output exactly once; with rsyslog down during the replay, `outbox flush`
 * afterwards delivers all of them. For syslog over TLS with a client certificate and
 * for RELP. The expected ids come from the store's alerts table of the same run; the
 * received ids from rsyslog's own parse of the structured data (mmpstrucdata).
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCliAsync } from '../support/cli.js';
import { startRsyslog, type RsyslogMessage, type RsyslogServer } from '../support/rsyslog.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
const SD_ID = 'groundwatch@32473';
const servers: RsyslogServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

function alertIds(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

function receivedAlertIds(messages: RsyslogMessage[]): string[] {
  return messages.map((m) => m.sd[SD_ID]?.['alert_id']).filter((id): id is string => id !== undefined).sort();
}

const q = encodeURIComponent;
const protocols = [
  {
    name: 'syslog over TLS with a client certificate',
    options: { tls: true },
    url: (s: RsyslogServer) =>
      `syslog+tls://127.0.0.1:${s.ports.tls}?ca=${q(s.pki.caCert)}&cert=${q(s.pki.clientCert)}&key=${q(s.pki.clientKey)}&servername=${q(s.pki.serverName)}`,
  },
  { name: 'RELP', options: { relp: true }, url: (s: RsyslogServer) => `relp://127.0.0.1:${s.ports.relp}` },
] as const;

describe.each(protocols)('replay --deliver to a real rsyslog: $name', ({ options, url }) => {
  it('every alert of the run arrives exactly once', async () => {
    const rsyslog = await startRsyslog(options);
    servers.push(rsyslog);
    const db = join(mkdtempSync(join(tmpdir(), 'gw-e2e-')), 'store.db');
    const run = await runCliAsync(['replay', FIXTURE, '--db', db, '--fail-on', 'never', '--format', 'ndjson', '--deliver', url(rsyslog)]);
    // The summary goes to stderr with --format ndjson: no warning line, and it says all were delivered.
    expect(run.stderr, rsyslog.diagnostics()).not.toMatch(/^groundwatch: /m);
    expect(run.stderr).toMatch(/  delivery  queued \d+, delivered \d+, retried 0, dropped 0, disabled 0; .* all delivered/);
    expect(run.status).toBe(0);
    const ids = alertIds(db);
    expect(ids.length).toBeGreaterThan(10);
    const got = await rsyslog.waitForMessages(ids.length);
    // Give a duplicate the chance to show up before judging "exactly once".
    await new Promise((r) => setTimeout(r, 500));
    expect(receivedAlertIds(rsyslog.readMessages())).toEqual(ids);
    expect(got.every((m) => m.app === 'groundwatch')).toBe(true);
  });

  it('rsyslog down during the replay: exit 3, then outbox flush delivers all of them', async () => {
    const rsyslog = await startRsyslog(options);
    servers.push(rsyslog);
    await rsyslog.stopProcess();
    const db = join(mkdtempSync(join(tmpdir(), 'gw-e2e-')), 'store.db');
    const run = await runCliAsync(['replay', FIXTURE, '--db', db, '--fail-on', 'never', '--format', 'ndjson', '--deliver', url(rsyslog), '--deliver-timeout', '2']);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/DELIVERY_INCOMPLETE/);
    const ids = alertIds(db);
    expect(rsyslog.readMessages()).toEqual([]);
    await rsyslog.startProcess();
    const flush = await runCliAsync(['outbox', 'flush', '--db', db, '--deliver', url(rsyslog), '--timeout', '30']);
    expect(flush.stderr, rsyslog.diagnostics()).toBe('');
    expect(flush.status).toBe(0);
    await rsyslog.waitForMessages(ids.length);
    await new Promise((r) => setTimeout(r, 500));
    expect(receivedAlertIds(rsyslog.readMessages())).toEqual(ids);
  });
});
