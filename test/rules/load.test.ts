import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroundwatchError } from '../../src/errors.js';
import { loadRules } from '../../src/rules/load.js';

const fx = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function loadError(paths: string[]): Promise<GroundwatchError> {
  try {
    await loadRules(paths);
  } catch (err) {
    if (err instanceof GroundwatchError) return err;
    throw err;
  }
  throw new Error('expected RULES_INVALID');
}

/** Writes a one-file rule pack to a temp dir and returns its path. */
async function tempRules(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gw-rules-'));
  const file = join(dir, 'r.yaml');
  await writeFile(file, text);
  return file;
}

describe('loadRules errors (positions counted by hand in the fixtures)', () => {
  it('broken YAML syntax names the line of the unclosed flow sequence', async () => {
    const err = await loadError([fx('broken/bad-syntax.yaml')]);
    expect(err.code).toBe('RULES_INVALID');
    // line 7: `    match: { domain: [a.com }` — the `}` at column 29 cannot close the `[`.
    expect(err.message).toMatch(/bad-syntax\.yaml:7:29: /);
  });

  it('unknown key points at the key token and names the rule', async () => {
    const err = await loadError([fx('broken/unknown-key.yaml')]);
    // line 15: `      domian_suffix: [dji.com]` — key starts at column 7.
    expect(err.message).toMatch(/unknown-key\.yaml:15:7: rule t\.typo: .*unknown key "domian_suffix"/);
  });

  it('bad severity points at the value', async () => {
    const err = await loadError([fx('broken/bad-severity.yaml')]);
    // line 12: `    severity: urgent` — value starts at column 15.
    expect(err.message).toMatch(/bad-severity\.yaml:12:15: rule t\.sev: rules\.0\.severity: /);
  });

  it('bad CIDR points at the list item in the second rule', async () => {
    const err = await loadError([fx('broken/bad-cidr.yaml')]);
    // line 28: `        - 10.0.0.0/33` — item starts at column 11.
    expect(err.message).toMatch(/bad-cidr\.yaml:28:11: rule t\.cidr: rules\.1\.match\.cidr\.1: not a valid IP address or CIDR prefix/);
  });

  it('duplicate rule id points at the second id and at the first', async () => {
    const err = await loadError([fx('broken/duplicate-id.yaml')]);
    // second `  - id: t.same` is line 15, value column 9; first is line 5.
    expect(err.message).toMatch(/duplicate-id\.yaml:15:9: rule t\.same: duplicate rule id \(first defined at .*duplicate-id\.yaml:5:9\)/);
  });

  it('duplicate ids across two files are refused too', async () => {
    const other = await tempRules(
      'ruleset: a\nversion: "1"\ndescription: d\nrules:\n  - id: a.one\n    version: 1\n    name: n\n    purpose: p\n    source: s\n' +
        '    confidence: L\n    action: alert\n    severity: low\n    category: policy\n    match: { domain: [x.example] }\n',
    );
    const err = await loadError([fx('dir'), other]);
    expect(err.message).toMatch(/r\.yaml:5:9: rule a\.one: duplicate rule id/);
  });

  it('the error is one line', async () => {
    const err = await loadError([fx('broken/bad-syntax.yaml')]);
    expect(err.toLine()).not.toMatch(/\n/);
  });

  it('an alert rule without severity is refused; an allow rule with severity is refused', async () => {
    const base = 'ruleset: t\nversion: "1"\ndescription: d\nrules:\n  - id: t.x\n    version: 1\n    name: n\n    purpose: p\n    source: s\n    confidence: L\n';
    const noSev = await tempRules(`${base}    action: alert\n    category: policy\n    match: { port: 1 }\n`);
    expect((await loadError([noSev])).message).toMatch(/rule t\.x: rules\.0\.severity: an alert rule needs severity/);
    const allowSev = await tempRules(`${base}    action: allow\n    severity: low\n    match: { port: 1 }\n`);
    expect((await loadError([allowSev])).message).toMatch(/:12:15: rule t\.x: rules\.0\.severity: an allow rule has no severity/);
  });

  it('rule ids must carry the ruleset prefix', async () => {
    const f = await tempRules(
      'ruleset: t\nversion: "1"\ndescription: d\nrules:\n  - id: other.x\n    version: 1\n    name: n\n    purpose: p\n    source: s\n' +
        '    confidence: L\n    action: alert\n    severity: low\n    category: policy\n    match: { port: 1 }\n',
    );
    expect((await loadError([f])).message).toMatch(/r\.yaml:5:9: rule other\.x: .*must start with "t\."/);
  });

  it('an allow rule naming an unknown rule id is refused', async () => {
    const f = await tempRules(
      'ruleset: t\nversion: "1"\ndescription: d\nrules:\n  - id: t.allow\n    version: 1\n    name: n\n    purpose: p\n    source: s\n' +
        '    confidence: L\n    action: allow\n    allows: [t.missing]\n    match: { port: 1 }\n',
    );
    expect((await loadError([f])).message).toMatch(/rule t\.allow: allows unknown rule id "t\.missing"/);
  });

  it('an unquoted IPv6 prefix ending in "::" gets a quoting hint', async () => {
    const f = await tempRules(
      'ruleset: t\nversion: "1"\ndescription: d\nrules:\n  - id: t.v6\n    version: 1\n    name: n\n    purpose: p\n    source: s\n' +
        '    confidence: L\n    action: alert\n    severity: low\n    category: policy\n    match:\n      cidr:\n        - 2402:4e00::\n',
    );
    expect((await loadError([f])).message).toMatch(/r\.yaml:16:11: rule t\.v6: .*quote values/);
  });

  it('a missing path is RULES_INVALID', async () => {
    const err = await loadError([fx('does-not-exist.yaml')]);
    expect(err.message).toMatch(/does-not-exist\.yaml: cannot read \(ENOENT\)/);
  });
});

describe('loadRules directories', () => {
  it('loads the *.yaml rule files of a directory and skips files without ruleset:', async () => {
    const set = await loadRules([fx('dir')]);
    expect(set.rules.map((r) => r.id)).toEqual(['a.one']);
    expect(set.files).toHaveLength(1);
    expect(set.files[0]).toMatch(/a\.yaml$/);
  });

  it('refuses a file without ruleset: when it is named explicitly', async () => {
    const err = await loadError([fx('dir/operators.yaml')]);
    expect(err.message).toMatch(/operators\.yaml:1:1: not a rule file/);
  });

  it('a rule with enabled: false is validated but not loaded', async () => {
    const f = await tempRules(
      'ruleset: t\nversion: "1"\ndescription: d\nrules:\n  - id: t.off\n    version: 1\n    name: n\n    purpose: p\n    source: s\n' +
        '    confidence: L\n    action: alert\n    severity: low\n    category: policy\n    enabled: false\n    match: { port: 1 }\n',
    );
    expect((await loadRules([f])).rules).toHaveLength(0);
  });
});

describe('dns_query rules are checked for keys that cannot apply', () => {
  it('refuses a flow-name key next to dns_query, pointing at it', async () => {
    const f = await tempRules(
      'ruleset: t\nversion: "1"\ndescription: d\nrules:\n  - id: t.q\n    version: 1\n    name: n\n    purpose: p\n    source: s\n' +
        '    confidence: L\n    action: alert\n    severity: low\n    category: policy\n    match:\n      dns_query: { name_suffix: [dji.com] }\n' +
        '      domain_suffix: [dji.com]\n',
    );
    expect((await loadError([f])).message).toMatch(/r\.yaml:16:22: rule t\.q: .*domain_suffix does not apply to a dns_query rule/);
  });
});
