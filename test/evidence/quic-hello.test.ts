/**
 * A QUIC flow's slice keeps its Initial with the ClientHello whole (tshark
 * decrypts it and reads the SNI from the slice alone) and cuts every other
 * packet after its UDP header. Peer capture: Suricata-verify's quic-ietf
 * (ClientHello for msquic.net in frame 1, 11 packets), with a one-rule pack
 * that alerts on that name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../src/records/ecs.js';
import { runCli } from '../support/cli.js';
import { PEER_PCAP_DIR } from '../support/fixture-paths.js';
import { tsharkFieldRows } from '../support/tshark.js';

const CAPTURE = join(PEER_PCAP_DIR, 'quic-v1-sni__sv-quic-ietf.pcap');
const dir = mkdtempSync(join(tmpdir(), 'gw-quic-slice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULES = `ruleset: test-quic
version: "1"
description: alerts on the peer capture's QUIC name
rules:
  - id: test-quic.name
    version: 1
    name: QUIC test name
    purpose: a name to alert on in the peer capture
    source: test
    confidence: H
    action: alert
    severity: medium
    category: policy
    match:
      domain_suffix:
        - msquic.net
`;

describe('QUIC ClientHello in a headers-only slice', () => {
  it('is kept whole; the other packets are cut after the UDP header', () => {
    writeFileSync(join(dir, 'rules.yaml'), RULES);
    const db = join(dir, 'gw.db');
    const replay = runCli(['replay', CAPTURE, '--db', db, '--rules', join(dir, 'rules.yaml'), '--format', 'ndjson', '--fail-on', 'never', '--no-summary']);
    expect(replay.status, replay.stderr).toBe(0);
    const alerts = replay.stdout.trim().split('\n').map((l) => JSON.parse(l) as AlertRecord).filter((r) => r.event.kind === 'alert');
    expect(alerts.length).toBeGreaterThan(0);
    const bundle = join(dir, 'bundle');
    expect(runCli(['alerts', 'export', alerts[0]!.event.id, '--db', db, '--out', bundle]).status).toBe(0);
    const rows = tsharkFieldRows(join(bundle, 'packets.pcapng'), ['frame.len', 'frame.cap_len', 'tls.handshake.extensions_server_name', 'frame.comment', 'udp.length']);
    expect(rows.length).toBe(tsharkFieldRows(CAPTURE, ['frame.number']).length);
    const hello = rows.filter((r) => r[2] !== '');
    expect(hello.map((r) => r[2])).toEqual(['msquic.net']);
    for (const [len, cap, , comment] of rows) {
      if (comment!.includes('ClientHello')) {
        expect(cap).toBe(len);
      } else {
        // Ethernet 14 + IPv4 20 + UDP 8: the capture has no IP options.
        expect(Number(cap)).toBe(42);
      }
    }
    expect(runCli(['verify', '--bundle', bundle]).status).toBe(0);
  });
});
