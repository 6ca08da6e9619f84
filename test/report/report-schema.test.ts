/**
 * `--format json` and the published JSON Schema (docs/report.schema.json). The schema file is
 * written from the zod schema (the single source; regenerate with
 * `GW_WRITE_DOCS=1 npx vitest run test/report/report-schema.test.ts`), and the JSON output is
 * checked against the file by an independent checker (json-schema-check.ts), plus a few
 * fields the issue asks for checked by hand.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportJsonSchema } from '../../src/report/schema.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { validate } from './json-schema-check.js';

const SCHEMA_FILE = join(REPO_ROOT, 'docs', 'report.schema.json');
const generated = `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
if (process.env['GW_WRITE_DOCS'] === '1') writeFileSync(SCHEMA_FILE, generated);

describe('report JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-report-json-'));
  const out = join(dir, 'r.json');
  const r = runCli(['replay', 'fixtures/session-dji-mixed.pcapng', '--no-db', '--format', 'ndjson', '--no-summary', '--fail-on', 'never', '--report', out]);
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

  it('docs/report.schema.json is what the zod schema generates (regenerate with GW_WRITE_DOCS=1)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('validates against the published schema', () => {
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as unknown;
    expect(validate(schema, doc)).toEqual([]);
  });

  it('the checker is not vacuous: a document missing a required field or with a wrong type fails', () => {
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & { verdict: Record<string, unknown>; destinations: Record<string, unknown>[] };
    const noVerdict = { ...doc, verdict: { ...doc.verdict } };
    delete noVerdict.verdict['sentence'];
    expect(validate(schema, noVerdict).join('\n')).toContain('missing required sentence');
    const badCountry = { ...doc, destinations: [{ ...doc.destinations[0], countries: 'CN' }] };
    expect(validate(schema, badCountry).join('\n')).toContain('$.destinations[0].countries: expected array');
  });

  it('holds what a reader needs, checked by hand', () => {
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      schema_version: number; verdict: { sentence: string; outcome: string }; coverage: { flows_total: number };
      destinations: { key: string; countries: string[]; addresses: string[] }[]; alerts: { rule: { id: string; version: string }; reasons: string[] }[];
      inputs: { files: { sha256: string }[] }[];
    };
    expect(doc.schema_version).toBe(1);
    expect(doc.verdict.outcome).toBe('reached');
    expect(typeof doc.verdict.sentence).toBe('string');
    const sha = readFileSync(join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng'));
    const expectedSha = createHash('sha256').update(sha).digest('hex');
    expect(doc.inputs[0]!.files[0]!.sha256).toBe(expectedSha);
    expect(doc.destinations.find((d) => d.addresses.includes('120.55.9.120'))?.countries).toEqual(['CN']);
    expect(doc.alerts.length).toBeGreaterThan(0);
    for (const a of doc.alerts) {
      expect(a.rule.id).toMatch(/^(dji|china)\./);
      expect(a.reasons.length).toBeGreaterThan(0);
    }
  });
});
