/**
 * Flow bounds fit the memory there is (issue 12 item 7). The sizing is
 * checked against its inputs; the safety net is checked against V8 itself: a
 * child with a small heap and a flow bound far too large for it must shed
 * flows and finish, where V8 used to abort with "heap out of memory".
 */
import { describe, it, expect, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../src/config/limits.js';
import { FLOW_HEAP_BYTES, FLOW_RSS_BYTES, FLOW_SHARE, flowsForBudget, limitsForBudget, memoryBudget } from '../../src/config/memory-budget.js';
import { oldGenerationLimitBytes } from '../../src/util/heap-pressure.js';
import { parseConfigText } from '../../src/config/config-file.js';
import { mergeFlags, monitorOptions } from '../../src/cli/monitor-run.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { floodFrame, floodPcap } from '../support/flow-flood.js';

const MIB = 1024 * 1024;

describe('flow bounds from the memory budget', () => {
  it('a 4 GB box with a 1 GB heap gets the flows that fit half the heap, not a million', () => {
    const budget = { heapBytes: 1024 * MIB, residentBytes: 4096 * MIB };
    const flows = flowsForBudget(budget);
    expect(flows * FLOW_HEAP_BYTES).toBeLessThanOrEqual(FLOW_SHARE * 1024 * MIB);
    expect(flows).toBeGreaterThan(100_000);
    expect(flows).toBeLessThan(DEFAULT_LIMITS.flows.maxFlows);
  });

  it('a container limit below the heap limit binds by resident memory', () => {
    const flows = flowsForBudget({ heapBytes: 4096 * MIB, residentBytes: 512 * MIB });
    expect(flows * FLOW_RSS_BYTES).toBeLessThanOrEqual(FLOW_SHARE * 512 * MIB);
    expect(flows).toBeGreaterThan(50_000);
  });

  it('never more than the fixed default, never fewer than a usable minimum', () => {
    expect(flowsForBudget({ heapBytes: 64 * 1024 * MIB, residentBytes: 256 * 1024 * MIB })).toBe(1_000_000);
    expect(flowsForBudget({ heapBytes: MIB, residentBytes: MIB })).toBe(1000);
  });

  it('a configured budget caps both heap and resident figures; the other tables scale with the flows', () => {
    const budget = memoryBudget(256);
    expect(budget.residentBytes).toBe(256 * MIB);
    expect(budget.heapBytes).toBeLessThanOrEqual(256 * MIB);
    const limits = limitsForBudget(budget);
    const scale = limits.flows.maxFlows / DEFAULT_LIMITS.flows.maxFlows;
    expect(scale).toBeLessThan(0.1);
    expect(limits.dnsCache.maxEntries).toBe(Math.round(100_000 * scale));
    expect(limits.otherConversations).toBe(Math.round(DEFAULT_LIMITS.otherConversations * scale));
    expect(limits.alertWindows).toBe(Math.round(DEFAULT_LIMITS.alertWindows * scale));
    expect(limits.fragments.maxDatagrams).toBeLessThan(DEFAULT_LIMITS.fragments.maxDatagrams);
    // Time-outs and per-flow limits are not memory-sized.
    expect(limits.flows.udpIdleSeconds).toBe(DEFAULT_LIMITS.flows.udpIdleSeconds);
    expect(limits.attribution).toEqual(DEFAULT_LIMITS.attribution);
  });

  it('reads the old-generation limit V8 enforces (--max-old-space-size), not heap_size_limit with the young reserve', () => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=100', '--input-type=module', '-e', childPrint('oldGenerationLimitBytes()')], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(Number(r.stdout)).toBe(100 * MIB);
    expect(oldGenerationLimitBytes()).toBeGreaterThan(0);
  });
});

describe('the memory budget setting', () => {
  it('replay --memory-budget bounds the flows: 20,000 flows fit the default, not 64 MiB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-budget-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const input = join(dir, 'flows.pcap');
    writeFileSync(input, floodPcap(20_000));
    const evicted = (extra: string[]) => {
      const r = runCli(['replay', input, '--no-db', '--format', 'text', ...extra]);
      expect(r.status, r.stderr).toBe(0);
      return Number(/(\d+) evicted/.exec(r.stdout)?.[1]);
    };
    expect(evicted([])).toBe(0);
    // 64 MiB: 16,384 flows by heap, 10,922 by resident memory (3 KiB each in half the budget).
    expect(evicted(['--memory-budget', '64'])).toBe(20_000 - Math.floor((32 * MIB) / FLOW_RSS_BYTES));
  }, 60_000);

  it('a budget too small or not a number is a usage error (one line, exit 2)', () => {
    for (const value of ['10', '1.5e3', 'lots']) {
      const r = runCli(['replay', join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap'), '--no-db', '--memory-budget', value]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^groundwatch: USAGE: --memory-budget must be a whole number of MiB, at least 64/)]);
    }
  });

  it('monitor: memory_budget_mb in the config file, --memory-budget over it, reaching the session options', () => {
    const file = parseConfigText('interface: eth0\nmemory_budget_mb: 512\n', '/etc/groundwatch/groundwatch.yaml');
    expect(monitorOptions(mergeFlags(file, {})).memoryBudgetMb).toBe(512);
    expect(monitorOptions(mergeFlags(file, { memoryBudget: '256' })).memoryBudgetMb).toBe(256);
    expect(() => parseConfigText('memory_budget_mb: 8\n', '/etc/groundwatch/groundwatch.yaml')).toThrow(/groundwatch.yaml:1: memory_budget_mb: /);
  });
});

/** A script for a child node: imports the built heap-pressure module and prints an expression. */
function childPrint(expression: string): string {
  return `import { oldGenerationLimitBytes } from ${JSON.stringify(join(REPO_ROOT, 'dist/util/heap-pressure.js'))}; process.stdout.write(String(${expression}));`;
}

describe('heap pressure', () => {
  it('a flow bound too large for the heap: flows are shed after a full GC, V8 does not abort', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-heap-pressure-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const flows = 30_000;
    const frames = join(dir, 'frames.json');
    // The frames are built here (the test's own generator) and handed over as hex, one per flow.
    writeFileSync(frames, JSON.stringify(Array.from({ length: flows }, (_, i) => Buffer.from(floodFrame(i)).toString('hex'))));
    const script = join(dir, 'child.mjs');
    writeFileSync(
      script,
      `
import { readFileSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
const dist = ${JSON.stringify(join(REPO_ROOT, 'dist'))};
const { Session } = await import(dist + '/engine/session.js');
const { DEFAULT_LIMITS } = await import(dist + '/config/limits.js');
const hex = JSON.parse(readFileSync(${JSON.stringify(frames)}, 'utf8'));
// A bound of a million flows, as before the sizing: only the heap-pressure net can save this run.
const limits = { ...DEFAULT_LIMITS, flows: { ...DEFAULT_LIMITS.flows, maxFlows: 1_000_000 } };
const session = await Session.open({ mode: 'replay', dbPath: null, stdoutFormat: 'none', events: 'alerts', stdout: process.stdout, warn: () => {}, limits });
for (let base = 0; base < hex.length; base += 512) {
  const batch = [];
  for (let i = base; i < Math.min(hex.length, base + 512); i++) {
    const data = new Uint8Array(Buffer.from(hex[i], 'hex'));
    hex[i] = undefined;
    batch.push({ tsSec: 1700000000, tsNsec: i * 1000, linkType: 1, data, wireLen: data.length, interfaceId: 0, sourceIndex: 0 });
  }
  session.pipeline.processBatch(batch);
  await yieldToLoop(); // a replay reads between batches; a daemon waits for packets
}
const c = session.counters;
process.stdout.write(JSON.stringify({ created: c.get('flow.created'), evicted: c.get('flow.evicted'), evictedMemory: c.get('flow.evicted_memory'), open: session.pipeline.flows.size }));
`,
    );
    const r = spawnSync(process.execPath, ['--max-old-space-size=28', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 90_000 });
    expect(r.stderr).not.toMatch(/FATAL ERROR|heap out of memory/);
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout) as { created: number; evicted: number; evictedMemory: number; open: number };
    expect(out.created).toBe(flows);
    expect(out.evictedMemory).toBeGreaterThan(0);
    expect(out.open + out.evicted).toBe(flows);
    expect(out.open).toBeLessThan(flows);
  }, 90_000);
});
