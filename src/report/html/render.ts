/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, no font, no
 * image, no link to anything; a Content-Security-Policy that forbids every fetch, so the
 * file stays inert and offline wherever it is opened.
 */
import type { ReportModel } from '../schema.js';
import { REPORT_CSS } from './css.js';
import { alertsSection, integritySection } from './alert-cards.js';
import { plain } from './escape.js';
import { headerSection, inventorySection, verdictSection } from './sections.js';
import { barChart, timelineChart } from './svg-charts.js';

/** default-src 'none' blocks scripts, fetches, frames, fonts and images; only the inline style sheet may apply. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function chartsSection(m: ReportModel): string {
  return `<section id="charts"><h2>Where the bytes went</h2>
<div class="charts">
<div class="chart"><h3>Bytes by destination country (located)</h3>${barChart('bytes by destination country', m.charts.bytes_by_country)}</div>
<div class="chart"><h3>Bytes by operator country</h3>${barChart('bytes by operator country', m.charts.bytes_by_operator_country)}</div>
<div class="chart wide"><h3>Timeline: flows started per destination category, ▼ alerts</h3>${timelineChart(m.charts.timeline)}</div>
</div></section>`;
}

export function renderReportHtml(m: ReportModel): string {
  const title = m.unit_name ? `${m.unit_name} — groundwatch report` : 'groundwatch report';
  return `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="groundwatch ${plain(m.tool_version)}">
<title>${plain(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${headerSection(m)}
${verdictSection(m)}
${inventorySection(m)}
${chartsSection(m)}
${alertsSection(m)}
${integritySection(m)}
<footer class="muted"><p>Report schema version ${m.schema_version}. The same content as JSON: <code>--format json</code> (schema: docs/report.schema.json).</p></footer>
</body>
</html>
`;
}
