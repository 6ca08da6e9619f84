/**
 * `replay --report`: with a store as well as without one, and a truncated input, which the
 * report's coverage must name (the replay warns CAPTURE_TRUNCATED; a report that stayed silent
 * would let "no flow reached ..." stand on half a capture).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/schema.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-replay-report-'));
const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap');

describe('replay --report', () => {
  it('writes the report next to a store, counting the flows the store holds', () => {
    const db = join(dir, 'gw.db');
    const out = join(dir, 'r.json');
    const r = runCli(['replay', FIXTURE, '--db', db, '--format', 'ndjson', '--no-summary', '--report', out]);
    expect(r.status, r.stderr).toBe(1);
    const model = JSON.parse(readFileSync(out, 'utf8')) as ReportModel;
    const store = new Database(db, { readonly: true });
    const flows = store.prepare('SELECT count(*) FROM flows').pluck().get() as number;
    const alerts = store.prepare('SELECT count(*) FROM alerts').pluck().get() as number;
    store.close();
    expect(model.coverage.flows_total).toBe(flows);
    expect(model.alerts).toHaveLength(alerts);
    expect(model.coverage.input_incomplete).toBe(false);
  });

  it('says so when an input was not read to its end', () => {
    const whole = readFileSync(FIXTURE);
    const cut = join(dir, 'cut.pcap');
    // Half the file, ending inside a record: the replay warns CAPTURE_TRUNCATED.
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2) + 7));
    const out = join(dir, 'cut.json');
    const r = runCli(['replay', cut, '--no-db', '--format', 'ndjson', '--no-summary', '--report', out]);
    expect(r.stderr).toMatch(/groundwatch: CAPTURE_TRUNCATED:/);
    expect(r.status).toBe(2);
    const model = JSON.parse(readFileSync(out, 'utf8')) as ReportModel;
    expect(model.coverage.input_incomplete).toBe(true);
    expect(model.coverage.complete).toBe(false);
    expect(model.verdict.qualifier).toContain('An input was not read to its end or could not be decoded (see the replay warnings)');
  });
});
