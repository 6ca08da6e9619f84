/**
 * `groundwatch monitor` on a veth pair inside a network namespace, fed by
 * tcpreplay. The oracle for alerts is `replay` of the same capture (the brief's
 * promise: same capture, same alerts live and offline); for packet counts,
 * tcpreplay's own "Actual: N packets".
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRulePaths } from '../../src/rules/load.js';
import { replayFiles } from '../support/replay-harness.js';
import { PEER_PCAPS, CAPTURE_IF, sessionCapture, sleep, TestNetns, type MonitorProcess } from './netns.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const RULES_A = join(FIXTURES, 'rules-a.yaml');
const RULES_B = join(FIXTURES, 'rules-b.yaml');
const RULES_BROKEN = join(FIXTURES, 'rules-broken.yaml');
const SMALL_TLS = join(PEER_PCAPS, 'dns-then-tls13__arkime-curl-enabled-tls13.pcap');
const OTHER_TLS = join(PEER_PCAPS, 'tls13-sni-ipv4__sv-community-id-ipv4.pcap');
const DNS_ONLY = join(PEER_PCAPS, 'dns-a-aaaa-mx__sv-dns-udp-google.pcap');

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

function netns(): TestNetns {
  const ns = new TestNetns();
  cleanup.push(() => ns.delete());
  return ns;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gw-live-'));
}

type Rec = Record<string, any>;
const alertKey = (a: Rec) => [a.rule?.id, a.destination?.ip, a.destination?.port, a.network?.transport, a.destination?.domain ?? ''].join('|');
const ofDataset = (recs: Rec[], ds: string) => recs.filter((r) => r.event?.dataset === ds);

async function started(ns: TestNetns, args: string[]): Promise<MonitorProcess> {
  const m = ns.monitor(['--no-db', '--format', 'ndjson', '--events', 'all', ...args]);
  await m.waitForStderr(new RegExp(`monitoring ${CAPTURE_IF}`));
  return m;
}

describe('monitor on a live interface (network namespace)', () => {
  it('gives the same alerts as replay for the same capture', async () => {
    const ns = netns();
    const pcap = sessionCapture();
    // The shipped packs (DJI endpoints, Chinese networks) plus a pack that alerts on every web flow.
    const rules = [...defaultRulePaths(), RULES_A];
    const offline = await replayFiles([pcap], { rulePaths: rules });
    const m = await started(ns, ['--rules', ...rules]);
    const sent = ns.replay(pcap, 200);
    await sleep(1500);
    expect((await m.stop()).code).toBe(0);
    const live = m.records();
    const final = ofDataset(live, 'groundwatch.stats').at(-1)!;
    expect(final.groundwatch.stats.capture['capture.received']).toBe(sent);
    const offlineKeys = new Set(offline.alerts.map(alertKey));
    expect(offlineKeys.size).toBeGreaterThan(0);
    expect(new Set(ofDataset(live, 'groundwatch.alert').map(alertKey))).toEqual(offlineKeys);
  }, 30_000);

  it('records a capture gap when the link goes down and sees packets sent after it comes back', async () => {
    const ns = netns();
    const m = await started(ns, ['--rules', RULES_A]);
    ns.replay(SMALL_TLS, 500);
    ns.setLink(false);
    await m.waitForStderr(/capture on gwb stopped \(interface_down\)/);
    await sleep(1200);
    ns.setLink(true);
    await m.waitForStderr(/capture on gwb resumed/);
    const downAt = Date.now();
    ns.replay(OTHER_TLS, 500);
    await sleep(1500);
    expect((await m.stop()).code).toBe(0);
    const recs = m.records();
    const gaps = ofDataset(recs, 'groundwatch.capture_gap');
    expect(gaps).toHaveLength(1);
    const gap = gaps[0]!.groundwatch.gap;
    expect(gap).toMatchObject({ reason: 'interface_down', interface: CAPTURE_IF });
    expect(Date.parse(gap.end) - Date.parse(gap.start)).toBeGreaterThanOrEqual(1000);
    // Every flow of the capture sent after the link came back is seen live, stamped after the gap.
    const expected = (await replayFiles([OTHER_TLS])).flows.map((f) => `${f.destination?.ip}:${f.destination?.port}`);
    const after = ofDataset(recs, 'groundwatch.flow').filter((f) => Date.parse(f.event.start) >= Date.parse(gap.end));
    expect(expected.length).toBeGreaterThan(0);
    for (const dest of expected) expect(after.map((f) => `${f.destination.ip}:${f.destination.port}`)).toContain(dest);
    expect(Date.parse(gap.end)).toBeLessThanOrEqual(downAt);
  }, 30_000);

  it('keeps the old rules on SIGHUP with a broken rule file and takes a good new one', async () => {
    const ns = netns();
    const rules = join(tempDir(), 'rules.yaml');
    copyFileSync(RULES_A, rules);
    const m = await started(ns, ['--rules', rules]);
    copyFileSync(RULES_BROKEN, rules);
    m.proc.kill('SIGHUP');
    await m.waitForStderr(/RULES_INVALID/);
    ns.replay(SMALL_TLS, 500);
    await sleep(1500);
    const beforeGood = ofDataset(m.records(), 'groundwatch.alert').map((a) => a.rule.id);
    expect(beforeGood).toContain('gwtest-a.web');
    copyFileSync(RULES_B, rules);
    m.proc.kill('SIGHUP');
    await m.waitForStderr(/rules reloaded: gwtest-b@1/);
    const reloadedAt = Date.now();
    ns.replay(DNS_ONLY, 500);
    await sleep(1500);
    expect((await m.stop()).code).toBe(0);
    expect(m.stderr.split('\n').filter((l) => /RULES_INVALID/.test(l))).toHaveLength(1);
    const afterReload = ofDataset(m.records(), 'groundwatch.alert').filter((a) => Date.parse(a.event.start) >= reloadedAt);
    expect(afterReload.map((a) => a.rule.id)).toContain('gwtest-b.dns');
    expect(afterReload.map((a) => a.rule.id)).not.toContain('gwtest-a.web');
  }, 30_000);

  it('drains on SIGTERM with a final stats record and exit 0', async () => {
    const ns = netns();
    const dir = tempDir();
    const m = ns.monitor(['--db', join(dir, 'gw.db'), '--format', 'ndjson', '--events', 'all', '--rules', RULES_A, '--stats-interval', '1']);
    await m.waitForStderr(/monitoring gwb/);
    const sent = ns.replay(sessionCapture(), 1000);
    // SIGTERM once an interval stats record has gone out, straight after the last packet was sent.
    for (let i = 0; i < 30 && !ofDataset(m.records(), 'groundwatch.stats').length; i++) await sleep(100);
    const exit = await m.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const recs = m.records();
    const last = recs.at(-1)!;
    expect(last.event).toMatchObject({ dataset: 'groundwatch.stats', action: 'final' });
    expect(last.groundwatch.stats.capture['capture.received']).toBe(sent);
    expect(ofDataset(recs, 'groundwatch.stats').length).toBeGreaterThanOrEqual(2);
    const db = new Database(join(dir, 'gw.db'), { readonly: true });
    const run = db.prepare('SELECT mode, ended_at FROM runs').get() as { mode: string; ended_at: string | null };
    db.close();
    expect(run.mode).toBe('monitor');
    expect(run.ended_at).not.toBeNull();
  }, 30_000);

  it('after kill -9 the store opens cleanly and holds every alert of the NDJSON log but the last second', async () => {
    const ns = netns();
    const dir = tempDir();
    const ndjson = join(dir, 'records.ndjson');
    const m = ns.monitor(['--db', join(dir, 'gw.db'), '--ndjson', ndjson, '--format', 'none', '--rules', RULES_A]);
    await m.waitForStderr(/monitoring gwb/);
    const sending = ns.replayInBackground(sessionCapture(), 300, 4);
    // Killed while packets still arrive.
    await sleep(2500);
    await m.stop('SIGKILL');
    const killedAt = Date.now();
    await sending;
    const alerts = readFileSync(ndjson, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"groundwatch.alert"'))
      .map((l) => JSON.parse(l) as Rec);
    expect(alerts.length).toBeGreaterThan(0);
    const db = new Database(join(dir, 'gw.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set((db.prepare('SELECT id FROM alerts').all() as { id: string }[]).map((r) => r.id));
    db.close();
    const missing = alerts.filter((a) => !stored.has(a.event.id));
    for (const a of missing) expect(killedAt - Date.parse(a['@timestamp'])).toBeLessThanOrEqual(1500);
  }, 30_000);
});
