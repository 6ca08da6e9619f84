/** The one line at start (stderr): what is watched, with which rules and databases, and where records go. */
import type { StartLineView } from '../engine/run-view.js';
import type { MonitorOptions } from './monitor.js';

export function startLine(session: StartLineView, opts: MonitorOptions): string {
  const c = opts.capture;
  const dbs = session.geo.databases().map((d) => `${d.role} ${d.path} (built ${d.buildDate.slice(0, 10)})`);
  const checkpoints = session.integrity ? ` (checkpoints ${session.integrity.signer ? `signed by ${session.integrity.signer.name}` : 'unsigned'})` : '';
  const outputs = [opts.dbPath ? `store ${opts.dbPath}${checkpoints}` : 'no store', ...(opts.ndjsonFile ? [`ndjson ${opts.ndjsonFile}`] : [])];
  const parts = [
    `groundwatch: monitoring ${c.interfaceName}`,
    `filter ${c.filter ? JSON.stringify(c.filter) : 'none'}`,
    `snaplen ${c.snaplen}`,
    `buffer ${c.bufferBytes} B`,
    `devices ${opts.devices?.length ? opts.devices.join(' ') : 'all'}`,
    `rules ${session.run.rules?.join(' ') ?? 'none'}`,
    `geoip ${dbs.length ? dbs.join(', ') : 'none'}`,
    outputs.join(', '),
  ];
  return parts.join('; ');
}
