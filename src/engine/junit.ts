/**
 * JUnit XML for CI systems: one `testsuite` per input file (so a failing job
 * points at the capture), one test case per (rule, destination) in it. An
 * alert belongs to the file its packet came from (groundwatch.capture.file:
 * the flow's first packet, or the DNS query's). Alerts at or above the fail-on
 * severity are failures; the rest pass with their evidence in system-out. A
 * folded repeat lists the connections it folded. Packet time only and a
 * stable order, so the same capture always gives the same file.
 */
import type { AlertRecord } from '../records/ecs.js';
import { SEVERITY_ORDER, type Severity } from '../types.js';

interface Case {
  rule: string;
  ruleset: string;
  destination: string;
  alerts: AlertRecord[];
}

/** Alerts whose file is unknown (records from before provenance, or a live run) are gathered here. */
const NO_FILE_SUITE = 'alerts without a capture file';

/**
 * `inputs`: the capture files in input order. `incomplete`: the warning lines of a run whose
 * evidence is incomplete (an input not read to its end, nothing decoded); with a fail-on
 * severity each becomes an errored test case in the suite of the file it names (or the first
 * suite when it names none), as the exit status is 2.
 */
export function junitReport(alerts: AlertRecord[], failOn: Severity | 'never', inputs: string[], incomplete: string[] = []): string {
  const files = inputs.length > 0 ? inputs : [NO_FILE_SUITE];
  const byFile = new Map<string, AlertRecord[]>(files.map((f) => [f, []]));
  for (const a of alerts) {
    const file = a.groundwatch.capture?.file;
    const key = file !== undefined && byFile.has(file) ? file : NO_FILE_SUITE;
    if (!byFile.has(key)) byFile.set(key, []);
    byFile.get(key)!.push(a);
  }
  const warningsByFile = new Map<string, string[]>();
  if (failOn !== 'never') {
    for (const line of incomplete) {
      const named = files.find((f) => line.includes(f)) ?? files[0]!;
      warningsByFile.set(named, [...(warningsByFile.get(named) ?? []), line]);
    }
  }
  const suites = [...byFile].map(([file, list]) => suite(file, list, failOn, inputs, warningsByFile.get(file) ?? []));
  const sum = (k: 'tests' | 'failures' | 'errors') => suites.reduce((n, s) => n + s[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="groundwatch" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

interface Suite {
  tests: number;
  failures: number;
  errors: number;
  lines: string[];
}

function suite(file: string, alerts: AlertRecord[], failOn: Severity | 'never', inputs: string[], warnings: string[]): Suite {
  const cases = groupCases(alerts);
  const failing = (c: Case) => failOn !== 'never' && c.alerts.some((a) => atLeast(a.groundwatch.severity, failOn));
  const failures = cases.filter(failing).length;
  const errors = warnings.length > 0 ? 1 : 0;
  const tests = Math.max(1, cases.length) + errors;
  const lines = [
    `  <testsuite name="${xml(file)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0">`,
    `    <properties><property name="file" value="${xml(file)}"/><property name="inputs" value="${xml(inputs.join(' '))}"/><property name="fail_on" value="${failOn}"/></properties>`,
  ];
  if (errors > 0) {
    lines.push(`    <testcase classname="groundwatch" name="inputs read completely" file="${xml(file)}">`);
    lines.push(`      <error type="incomplete_input" message="${xml(warnings[0]!)}">${xml(warnings.join('\n'))}</error>`);
    lines.push('    </testcase>');
  }
  if (cases.length === 0) lines.push(`    <testcase classname="groundwatch" name="no alerts" file="${xml(file)}"/>`);
  for (const c of cases) {
    const name = `${c.rule} -> ${c.destination}`;
    lines.push(`    <testcase classname="${xml(c.ruleset)}" name="${xml(name)}" file="${xml(file)}">`);
    const body = c.alerts.map(describe).join('\n');
    if (failing(c)) {
      const worst = c.alerts.map((a) => a.groundwatch.severity).sort((a, b) => SEVERITY_ORDER.indexOf(b) - SEVERITY_ORDER.indexOf(a))[0];
      lines.push(`      <failure type="${xml(worst ?? '')}" message="${xml(`${c.alerts.length} alert(s), severity ${worst}: ${c.alerts[0]!.rule.name}`)}">${xml(body)}</failure>`);
    } else {
      lines.push(`      <system-out>${xml(body)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return { tests, failures, errors, lines };
}

function groupCases(alerts: AlertRecord[]): Case[] {
  const byKey = new Map<string, Case>();
  for (const a of alerts) {
    const d = a.destination;
    const destination = d?.domain ? `${d.domain} (${d.ip}:${d.port}/${a.network?.transport})` : `${d?.ip}:${d?.port}/${a.network?.transport}`;
    const key = `${a.rule.id}\u0000${destination}`;
    let c = byKey.get(key);
    if (!c) byKey.set(key, (c = { rule: a.rule.id, ruleset: a.rule.ruleset, destination, alerts: [] }));
    c.alerts.push(a);
  }
  return [...byKey.values()].sort((x, y) => (x.rule === y.rule ? cmp(x.destination, y.destination) : cmp(x.rule, y.rule)));
}

function describe(a: AlertRecord): string {
  const gw = a.groundwatch;
  const where = gw.capture ? ` (${gw.capture.file} packet ${gw.capture.packet})` : '';
  const lines = [
    `${a['@timestamp']} ${gw.severity}${gw.confidence ? ` confidence ${gw.confidence}` : ''} ${a.rule.id}@${a.rule.version} flow ${gw.flow.uid}${where}`,
    `  device ${a.source?.ip ?? '-'}${a.source?.mac ? ` (${a.source.mac})` : ''} -> ${a.destination?.ip}:${a.destination?.port}`,
    ...gw.reasons.map((r) => `  - ${r}`),
  ];
  if (gw.repeats > 0) {
    lines.push(`  repeated ${gw.repeats} time(s) within the suppression window, on these connections:`);
    for (const f of gw.folded?.flows ?? []) {
      lines.push(`    ${f.source_ip ?? '-'}:${f.source_port ?? '-'} -> ${f.destination_ip ?? '-'}:${f.destination_port ?? '-'}/${f.transport ?? '-'} flow ${f.flow_uid}`);
    }
    if (gw.folded && gw.folded.omitted > 0) lines.push(`    ... and ${gw.folded.omitted} more not listed`);
  }
  return lines.join('\n');
}

function atLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(s) >= SEVERITY_ORDER.indexOf(threshold);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** XML 1.0 cannot carry most control characters even escaped: they become visible escapes. */
export function xml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
