/** The report's first sections: header (provenance), verdict, destination inventory. */
import { CATEGORY_LABEL } from '../categories.js';
import type { Destination, ReportModel } from '../schema.js';
import { escapeHtml, plain, text, wire } from './escape.js';
import { bytes, count, time } from './format.js';

/** Inventory rows shown; every destination is in the JSON. */
export const INVENTORY_ROWS = 1000;

const row = (label: string, value: string) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${value || '<span class="muted">—</span>'}</td></tr>`;

export function headerSection(m: ReportModel): string {
  const title = m.unit_name ? `${text(m.unit_name)} — egress report` : 'groundwatch egress report';
  const devices = m.devices.map((d) => `${wire(d.ip)}${d.mac ? ` (${wire(d.mac)})` : ''} <span class="muted">${count(d.flows)} flows</span>`);
  if (m.devices_more) devices.push(`<span class="muted">and ${count(m.devices_more)} more</span>`);
  const requested = m.scope.devices_requested.length ? `selected: ${m.scope.devices_requested.map(wire).join(', ')}; seen: ` : '';
  const inputs = m.inputs.map((i) => {
    const files = i.files.map((f) => `<li>${wire(f.path)} <span class="muted">(${escapeHtml(f.format)}${f.compressed ? ', gzip' : ''}, ${count(f.size)} bytes)</span><br><code>sha256 ${text(f.sha256)}</code></li>`);
    const live = i.interface ? `<li>live capture on interface ${wire(i.interface)}</li>` : '';
    return `<li>run <code>${text(i.run_id)}</code> — ${text(i.mode)}, groundwatch ${text(i.tool_version)}, ${escapeHtml(time(i.started_at))} to ${escapeHtml(time(i.ended_at))}<ul>${live}${files.join('')}</ul></li>`;
  });
  const dbs = m.geoip_databases.map((d) => `<li>${escapeHtml(d.role)}: ${text(d.type)} <span class="muted">built ${escapeHtml(d.build_date.slice(0, 10))}</span> — <code>${text(d.path)}</code></li>`);
  const scope = m.scope.run_id ? `run ${text(m.scope.run_id)}` : m.scope.since || m.scope.until ? 'time window' : m.scope.source === 'replay' ? 'this replay' : 'whole store';
  return `<header>
<h1>${title}</h1>
<p class="muted">Generated ${escapeHtml(time(m.generated_at))} by groundwatch ${text(m.tool_version)} from ${m.scope.source === 'store' ? `the store ${wire(m.scope.db_path)}` : 'a replay'} (${scope}).</p>
<table class="meta"><tbody>
${row('Unit', text(m.unit_name))}
${row('Window (UTC, packet time)', `${escapeHtml(time(m.window.start))} to ${escapeHtml(time(m.window.end))}`)}
${row('Device(s)', requested + devices.join(', '))}
${row('Inputs', inputs.length ? `<ul>${inputs.join('')}</ul>` : '')}
${row('Rule packs', m.rule_packs.map((r) => `<code>${text(r)}</code>`).join(', '))}
${row('GeoIP databases', dbs.length ? `<ul>${dbs.join('')}</ul>` : '')}
</tbody></table>
</header>`;
}

export function verdictSection(m: ReportModel): string {
  const v = m.verdict;
  return `<section id="verdict" class="verdict ${v.outcome}" aria-label="verdict">
<h2 style="border:0;margin-top:0">Verdict</h2>
<p class="sentence" id="verdict-sentence">${text(v.sentence)}</p>
<p class="qualifier" id="verdict-qualifier">${text(v.qualifier)}</p>
</section>`;
}

function destinationRow(d: Destination): string {
  const addresses = d.addresses.map(wire).join('<br>') + (d.addresses_more ? `<br><span class="muted">+${count(d.addresses_more)} more</span>` : '');
  const asns = d.asns.map((a) => `AS${a.number}${a.organization ? ` ${wire(a.organization)}` : ''}`).join('<br>');
  const registrant = d.registrant_countries.filter((c) => !d.countries.includes(c));
  const countries = `${text(d.countries.join(', ')) || '—'}${registrant.length ? ` <span class="muted">(registrant ${text(registrant.join(', '))})</span>` : ''}`;
  const sev = d.worst_severity ? ` <span class="sev ${d.worst_severity}">${d.worst_severity}</span>` : '';
  return `<tr data-key="${plain(d.key)}" data-category="${d.category}">
<td class="dest">${wire(d.name ?? d.key)}<br><span class="muted">${text(d.name_sources.join(', ') || 'no name learned')}</span></td>
<td>${addresses}</td>
<td class="country">${countries}</td>
<td>${asns}</td>
<td>${text(d.operator_countries.join(', '))}</td>
<td class="cat">${escapeHtml(CATEGORY_LABEL[d.category])}${sev}</td>
<td class="num">${count(d.flows)}</td>
<td class="num">${escapeHtml(bytes(d.bytes_up))}</td>
<td class="num">${escapeHtml(bytes(d.bytes_down))}</td>
<td class="when">${escapeHtml(time(d.first_seen))}<br>${escapeHtml(time(d.last_seen))}</td>
<td>${d.rules.map((r) => `<code>${text(r)}</code>`).join('<br>')}</td>
</tr>`;
}

export function inventorySection(m: ReportModel): string {
  const shown = m.destinations.slice(0, INVENTORY_ROWS);
  const more = m.destinations.length - shown.length;
  return `<section id="inventory">
<h2>Destinations (${count(m.destinations.length)})</h2>
<p class="muted">One row per destination: its name, or its address when no name was learned. Most concerning first, then by bytes. Country is where the address is located; registrant and operator countries are separate facts.</p>
<table><colgroup><col class="c-dest"><col class="c-addr"><col class="c-country"><col class="c-asn"><col class="c-op"><col class="c-cat"><col class="c-num"><col class="c-num"><col class="c-num"><col class="c-when"><col class="c-rules"></colgroup>
<thead><tr><th>Destination and how the name was learned</th><th>Addresses</th><th>Country</th><th>ASN and organisation</th><th>Operator country</th><th>Category</th><th class="num">Flows</th><th class="num">Bytes up</th><th class="num">Bytes down</th><th>First / last seen</th><th>Rules fired</th></tr></thead>
<tbody>
${shown.map(destinationRow).join('\n')}
</tbody></table>
${more > 0 ? `<p class="note">${count(more)} more destinations (least concerning, fewest bytes) are not listed here; all are in the JSON report (<code>--format json</code>).</p>` : ''}
</section>`;
}
