/** Alert cards (each with its evidence and acknowledgements) and the integrity section. */
import type { AlertCard, ReportModel } from '../schema.js';
import { escapeHtml, plain, text, wire } from './escape.js';
import { count, time } from './format.js';

/** Cards drawn in the HTML; every alert is in the JSON. A month of records can hold thousands. */
export const ALERT_CARDS_SHOWN = 200;

const item = (label: string, value: string) => (value ? `<dt>${escapeHtml(label)}</dt><dd>${value}</dd>` : '');

function card(a: AlertCard): string {
  const dst = a.destination;
  const where = `${wire(dst.domain ?? dst.ip)}${dst.domain && dst.ip ? ` <span class="muted">(${wire(dst.ip)})</span>` : ''}${dst.port !== null ? ` port ${dst.port}/${text(dst.transport)}` : ''}`;
  const names = a.name_evidence.map((e) => `<li>${wire(e.host)} <span class="muted">from ${text(e.source)}</span></li>`).join('');
  const dbs = a.databases.map((d) => `<li>${escapeHtml(d.role)}: ${text(d.type)}, built ${escapeHtml(d.build_date.slice(0, 10))}</li>`).join('');
  const acks = a.acks.map((k) => `<li>${text(k.by)}, ${escapeHtml(time(k.at))}: ${text(k.note)}</li>`).join('');
  const geo = [
    a.country ? `located ${text(a.country)}` : '',
    a.registrant_country ? `registrant ${text(a.registrant_country)}` : '',
    a.asn !== null ? `AS${a.asn}${a.as_org ? ` ${wire(a.as_org)}` : ''}` : '',
    a.operator_country ? `operator ${text(a.operator_country)}` : '',
  ].filter(Boolean).join('; ');
  return `<article class="card ${a.severity}" data-alert-id="${plain(a.id)}">
<h3><span class="sev ${a.severity}">${a.severity}</span> ${text(a.rule.name)} — ${where}</h3>
<dl>
${item('When (UTC)', escapeHtml(time(a.ts)) + (a.repeats ? ` <span class="muted">(+${count(a.repeats)} repeats folded)</span>` : ''))}
${item('Device', `${wire(a.source.ip)}${a.source.mac ? ` (${wire(a.source.mac)})` : ''}`)}
${item('Reasons', `<ul>${a.reasons.map((r) => `<li>${text(r)}</li>`).join('')}</ul>`)}
${item('Name evidence', names ? `<ul>${names}</ul>` : '<span class="muted">no name learned</span>')}
${item('Country / network', geo)}
${item('GeoIP databases', dbs ? `<ul>${dbs}</ul>` : '')}
${item('Rule', `<code>${text(a.rule.id)}</code> version <code>${text(a.rule.version)}</code> (pack ${text(a.rule.ruleset)})`)}
${item('Rule source', text(a.rule.source))}
${item('Flow / alert id', `<code>${text(a.flow_uid)}</code> / <code>${text(a.id)}</code>`)}
${item('Acknowledged', acks ? `<ul>${acks}</ul>` : '<span class="muted">not acknowledged</span>')}
</dl>
</article>`;
}

export function alertsSection(m: ReportModel): string {
  const shown = m.alerts.slice(0, ALERT_CARDS_SHOWN);
  const more = m.alerts.length - shown.length;
  const body = m.alerts.length === 0 ? '<p class="muted">No alert in the window.</p>' : `<div class="cards">${shown.map(card).join('\n')}</div>`;
  const note = more > 0
    ? `<p class="note" id="alerts-more">${count(more)} more alerts are not shown as cards (the ${count(shown.length)} shown are the most severe, then the earliest). All ${count(m.alerts.length)} are in the JSON report (<code>--format json</code>) and in <code>groundwatch alerts list</code>.</p>`
    : '';
  return `<section id="alerts"><h2>Alerts (${count(m.alerts.length)})</h2>${body}${note}</section>`;
}

export function integritySection(m: ReportModel): string {
  const i = m.integrity;
  if (!i) return '';
  const rows = i.latest ? Object.entries(i.latest).map(([k, v]) => `<tr><th scope="row">${text(k)}</th><td><code>${text(v)}</code></td></tr>`).join('') : '';
  return `<section id="integrity"><h2>Integrity</h2>
<p>The store keeps a tamper-evident log (table <code>${text(i.table)}</code>). ${i.latest ? 'Latest checkpoint:' : 'It holds no checkpoint yet.'}</p>
${rows ? `<table class="meta"><tbody>${rows}</tbody></table>` : ''}
<p>Check that the records behind this report are unchanged: <code>${text(i.verify_command)}</code></p>
</section>`;
}
