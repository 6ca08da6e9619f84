/**
 * The report's only style sheet, inline (the CSP allows inline styles and nothing else).
 * System fonts only; print rules keep rows and cards whole and repeat table heads.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6570; --line: #d5dae0; --bg: #ffffff; --band: #f4f6f8;
  --critical: #7a0019; --high: #b3261e; --medium: #b86200; --low: #6b6f00; --info: #3d5a80; --ok: #1e6b3a; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 14px; margin: 0 0 6px; }
.muted { color: var(--muted); }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.esc { background: #ffe08a; color: #5a3d00; border: 1px solid #c99a00; border-radius: 3px; padding: 0 2px; font-size: 11px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 7px; border-bottom: 1px solid var(--line); }
th { background: var(--band); font-weight: 600; font-size: 12.5px; }
#inventory table { table-layout: fixed; }
#inventory td, #inventory th { font-size: 12px; padding: 4px 5px; overflow-wrap: anywhere; }
#inventory col.c-dest { width: 14%; } #inventory col.c-addr { width: 10%; } #inventory col.c-country { width: 6%; }
#inventory col.c-asn { width: 13%; } #inventory col.c-op { width: 6%; } #inventory col.c-cat { width: 10%; }
#inventory col.c-num { width: 6%; } #inventory col.c-when { width: 9%; } #inventory col.c-rules { width: 14%; }
/* Off-screen cards are laid out when scrolled to (a month can draw hundreds); printing lays them all out. */
@media screen { .card { content-visibility: auto; contain-intrinsic-size: auto 300px; } }
#inventory td code { font-size: 11px; word-break: break-all; }
td.when { font-size: 11px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.meta th { width: 190px; background: transparent; }
.verdict { border: 2px solid var(--ink); border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.verdict.reached { border-color: var(--high); background: #fdf1f0; }
.verdict.none_reached { border-color: var(--ok); background: #eff8f2; }
.verdict.no_flows { border-color: var(--muted); background: var(--band); }
.verdict p.sentence { font-size: 17px; font-weight: 600; margin: 0 0 8px; }
.verdict p.qualifier { margin: 0; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; font-weight: 600; }
.sev.critical { background: var(--critical); } .sev.high { background: var(--high); } .sev.medium { background: var(--medium); }
.sev.low { background: var(--low); } .sev.info { background: var(--info); }
.cat { white-space: nowrap; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.chart.wide { grid-column: 1 / -1; }
svg text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: var(--ink); }
.cards { display: block; }
.card + .card { margin-top: 10px; }
.card { border: 1px solid var(--line); border-left: 5px solid var(--info); border-radius: 6px; padding: 10px 12px; }
.card.critical { border-left-color: var(--critical); } .card.high { border-left-color: var(--high); }
.card.medium { border-left-color: var(--medium); } .card.low { border-left-color: var(--low); }
.card dl { display: grid; grid-template-columns: 170px 1fr; gap: 2px 10px; margin: 6px 0 0; }
.card dt { color: var(--muted); }
.card dd { margin: 0; }
.card ul { margin: 0; padding-left: 18px; }
.note { background: var(--band); padding: 8px 12px; border-radius: 6px; }
tr, .card, .chart, .verdict { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
@media print {
  body { max-width: none; padding: 0; font-size: 8.5pt; line-height: 1.3; }
  h1 { font-size: 14pt; } h2 { font-size: 11pt; margin-top: 14px; }
  .verdict p.sentence { font-size: 10.5pt; }
  #inventory td, #inventory th { font-size: 7.5pt; padding: 2px 4px; }
  .card { padding: 4px 8px; } .card h3 { font-size: 9pt; margin-bottom: 2px; }
  .card dl { grid-template-columns: 120px 1fr; margin-top: 2px; } .card + .card { margin-top: 6px; }
  /* Landscape pages are wide: cards in two columns halve the alerts' pages. */
  .cards { columns: 2; column-gap: 8px; } .card { display: inline-block; width: 100%; margin: 0 0 6px; } .card + .card { margin-top: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
  a { color: inherit; text-decoration: none; }
  @page { size: A4 landscape; margin: 12mm 10mm; }
}
`;
