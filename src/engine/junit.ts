/**
 * JUnit XML for CI systems: one test case per (rule, destination). Alerts at
 * or above the fail-on severity are failures; the rest pass with their
 * evidence in system-out. Packet time only and a stable order, so the same
 * capture always gives the same file.
 */
import type { AlertRecord } from '../records/ecs.js';
import { SEVERITY_ORDER, type Severity } from '../types.js';

interface Case {
  rule: string;
  ruleset: string;
  destination: string;
  alerts: AlertRecord[];
}

/**
 * `incomplete`: the warning lines of a run whose evidence is incomplete (an input not read to its
 * end, nothing decoded); with a fail-on severity they become one errored test case, as the exit status is 2.
 */
export function junitReport(alerts: AlertRecord[], failOn: Severity | 'never', inputs: string[], incomplete: string[] = []): string {
  const cases = groupCases(alerts);
  const failing = (c: Case) => failOn !== 'never' && c.alerts.some((a) => atLeast(a.groundwatch.severity, failOn));
  const failures = cases.filter(failing).length;
  const errors = failOn !== 'never' && incomplete.length > 0 ? 1 : 0;
  const tests = Math.max(1, cases.length) + errors;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="groundwatch" tests="${tests}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="groundwatch egress policy" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0">`,
    `    <properties><property name="inputs" value="${xml(inputs.join(' '))}"/><property name="fail_on" value="${failOn}"/></properties>`,
  ];
  if (errors > 0) {
    lines.push('    <testcase classname="groundwatch" name="inputs read completely">');
    lines.push(`      <error type="incomplete_input" message="${xml(incomplete[0]!)}">${xml(incomplete.join('\n'))}</error>`);
    lines.push('    </testcase>');
  }
  if (cases.length === 0) lines.push('    <testcase classname="groundwatch" name="no alerts"/>');
  for (const c of cases) {
    const name = `${c.rule} -> ${c.destination}`;
    lines.push(`    <testcase classname="${xml(c.ruleset)}" name="${xml(name)}">`);
    const body = c.alerts.map(describe).join('\n');
    if (failing(c)) {
      const worst = c.alerts.map((a) => a.groundwatch.severity).sort((a, b) => SEVERITY_ORDER.indexOf(b) - SEVERITY_ORDER.indexOf(a))[0];
      lines.push(`      <failure type="${xml(worst ?? '')}" message="${xml(`${c.alerts.length} alert(s), severity ${worst}: ${c.alerts[0]!.rule.name}`)}">${xml(body)}</failure>`);
    } else {
      lines.push(`      <system-out>${xml(body)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
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
  return [
    `${a['@timestamp']} ${a.groundwatch.severity} ${a.rule.id}@${a.rule.version} flow ${a.groundwatch.flow.uid}`,
    `  device ${a.source?.ip ?? '-'}${a.source?.mac ? ` (${a.source.mac})` : ''} -> ${a.destination?.ip}:${a.destination?.port}`,
    ...a.groundwatch.reasons.map((r) => `  - ${r}`),
  ].join('\n');
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
