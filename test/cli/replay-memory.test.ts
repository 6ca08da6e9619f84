/**
 * Replay memory stays bounded whatever the input claims (red-team r9_gzbomb):
 * a small .gz that expands to huge records must not grow the process. The
 * oracle is the kernel: GNU time's maximum resident set size (wait4 rusage).
 */
import { describe, it, expect, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLI, REPO_ROOT } from '../support/cli.js';
import { floodPcap } from '../support/flow-flood.js';

const RECORD_BYTES = 16_000_000;
const RECORDS = 40;
/** A replay of a few packets needs well under this; before the fix this file took ~700 MB. */
const MAX_RSS_KB = 250 * 1024;

function u32le(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, 4 * i));
  return b;
}

/** Runs the CLI under GNU time; returns its result and the kernel's peak RSS (KiB). */
function replayMeasured(args: string[], nodeFlags: string[], dir: string) {
  const timeOut = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeOut, process.execPath, ...nodeFlags, CLI, 'replay', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 90_000,
  });
  const peakKb = Number(readFileSync(timeOut, 'utf8').trim().split('\n').pop());
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, peakKb };
}

/** The red team's file: a pcap of 16 MB zero records, as concatenated gzip members (RFC 1952 section 2.2). */
function gzipBomb(): Buffer {
  const fileHeader = Buffer.concat([u32le(0xa1b2c3d4), Buffer.from([2, 0, 4, 0]), u32le(0, 0, 65535, 1)]);
  const members = [gzipSync(fileHeader)];
  for (let i = 0; i < RECORDS; i++) {
    const header = u32le(1_700_000_000 + i, 0, RECORD_BYTES, RECORD_BYTES);
    members.push(gzipSync(Buffer.concat([header, Buffer.alloc(RECORD_BYTES)]), { level: 1 }));
  }
  return Buffer.concat(members);
}

describe('replay memory', () => {
  it('a gzip of 16 MB records replays in bounded memory (peak RSS from the kernel)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-gzbomb-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const input = join(dir, 'bomb.pcap.gz');
    writeFileSync(input, gzipBomb());
    const r = replayMeasured([input, '--no-db', '--format', 'ndjson'], [], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.peakKb).toBeGreaterThan(0);
    expect(r.peakKb).toBeLessThan(MAX_RSS_KB);
    expect(r.stderr).toMatch(/capture\.oversized_record 40/);
  }, 30_000);

  // Red-team r6_flows_oom, scaled down: a million flows in a 1 GB heap aborted V8; 50,000 in 64 MB did too.
  it('more distinct flows than the heap holds: flows are evicted to fit, V8 does not abort', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-flows-oom-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const flows = 50_000;
    const input = join(dir, 'flows.pcap');
    writeFileSync(input, floodPcap(flows));
    const r = replayMeasured([input, '--no-db', '--format', 'text'], ['--max-old-space-size=64'], dir);
    expect(r.stderr).not.toMatch(/FATAL ERROR|heap out of memory/);
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const m = /flows\s+(\d+) \(tcp\/udp\), \d+ other IP conversations, (\d+) evicted/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBe(flows);
    expect(Number(m![2])).toBeGreaterThan(0);
    // 64 MB of old space plus Node, young generation, rules and GeoIP data.
    expect(r.peakKb).toBeLessThan(300 * 1024);
  }, 90_000);
});
