/** docs/telemetry.md, rendered from the catalogue (test/telemetry/catalogue.test.ts keeps the file in step). */
import { TELEMETRY, TELEMETRY_FAMILIES, type TelemetryEntry } from './catalogue.js';

function row(name: string, e: TelemetryEntry): string {
  return `| \`${name}\` | ${e.stage} | ${e.kind} | ${e.unit} | ${e.meaning.replace(/\|/g, '\\|')} |`;
}

export function renderTelemetryDoc(): string {
  const header = ['| Name | Stage | Kind | Unit | Meaning |', '|---|---|---|---|---|'];
  return [
    '# Telemetry',
    '',
    '<!-- Generated from src/telemetry/catalogue.ts; regenerate with',
    '     GW_WRITE_DOCS=1 npx vitest run test/telemetry/catalogue.test.ts -->',
    '',
    'Every counter groundwatch keeps. The `groundwatch.stats` record reports each of them under',
    '`groundwatch.stats.counters` (zero included); `anomalies_total` sums the `anomaly.*` ones.',
    'Kinds: *counter* is work done, *anomaly* is malformed or unexpected input, *limit* is a bound',
    'that was hit (every limit hit is counted). An `internal_error` anomaly is a bug: production',
    'survives it, the test suite fails on it.',
    '',
    '## Counters',
    '',
    ...header,
    ...Object.entries(TELEMETRY).map(([name, e]) => row(name, e)),
    '',
    '## Families',
    '',
    'Counters whose names carry a value known only at run time (a sink name, a LINKTYPE number).',
    'They are reported once counted.',
    '',
    ...header,
    ...Object.entries(TELEMETRY_FAMILIES).map(([name, e]) => row(name, e)),
    '',
  ].join('\n');
}
