/**
 * Checks packets.pcapng against the alert it is for: every packet, read with
 * groundwatch's own capture reader and decoder (not the writer that made the
 * file), belongs to the alert's flow, in either direction. This binds the
 * slice, which only the manifest protects, to the 5-tuple in alert.json,
 * which the log protects: packets of another flow cannot be slipped in.
 */
import { openCaptureFiles } from '../capture/open-files.js';
import { Counters } from '../counters.js';
import { decodeFrame } from '../decode/decode.js';
import type { AlertRecord } from '../records/ecs.js';
import { BUNDLE_FILES } from './bundle-manifest.js';
import type { BundleCheck } from './bundle-verify.js';

/** The alert record inside alert.json: a log entry's row.record, or the record itself (bundle without log). */
export function alertRecordOf(bytes: Buffer): AlertRecord | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as { kind?: string; row?: { record?: unknown } } & Partial<AlertRecord>;
    const record = v.kind === 'alert' ? v.row?.record : v;
    return record !== null && typeof record === 'object' && 'event' in record ? (record as AlertRecord) : undefined;
  } catch {
    return undefined;
  }
}

export async function checkSlice(path: string, alert: AlertRecord): Promise<BundleCheck> {
  const file = BUNDLE_FILES.packets;
  const a = { ip: alert.source?.ip, port: alert.source?.port };
  const b = { ip: alert.destination?.ip, port: alert.destination?.port };
  const transport = alert.network?.transport;
  const counters = new Counters();
  let warning: string | undefined;
  let n = 0;
  try {
    const input = await openCaptureFiles([path], { counters, onWarning: (code, message) => (warning ??= `${code}: ${message}`) });
    for await (const batch of input.batches()) {
      for (const raw of batch) {
        n++;
        const p = decodeFrame(raw, { counters });
        const forward = p !== undefined && p.src === a.ip && p.dst === b.ip && (a.port === undefined || p.srcPort === a.port) && p.dstPort === b.port;
        const backward = p !== undefined && p.src === b.ip && p.dst === a.ip && p.srcPort === b.port && (a.port === undefined || p.dstPort === a.port);
        if (p === undefined || p.transport !== transport || !(forward || backward)) {
          const what = p === undefined ? 'does not decode' : `is ${p.transport} ${p.src}:${p.srcPort} -> ${p.dst}:${p.dstPort}`;
          return { check: 'slice', file, ok: false, detail: `packet ${n} ${what}, not the alert's flow ${transport} ${a.ip}:${a.port ?? '*'} <-> ${b.ip}:${b.port}` };
        }
      }
    }
  } catch (err) {
    return { check: 'slice', file, ok: false, detail: `not a readable capture: ${(err as Error).message}` };
  }
  if (warning !== undefined) return { check: 'slice', file, ok: false, detail: `not read to its end: ${warning}` };
  return { check: 'slice', file, ok: true, detail: `all ${n} packets are the alert's flow ${transport} ${a.ip}:${a.port ?? '*'} <-> ${b.ip}:${b.port}` };
}
