/** Opens the evidence recorder on its own connection to the store, or nothing when slices are off. */
import type { Counters } from '../counters.js';
import { openStore } from '../sinks/sqlite-store.js';
import { DEFAULT_EVIDENCE_OPTIONS, type EvidenceOptions } from './evidence-options.js';
import { EvidenceRecorder } from './recorder.js';
import { SliceStore } from './slice-store.js';

export function openEvidenceRecorder(dbPath: string, overrides: Partial<EvidenceOptions> | undefined, counters: Counters): EvidenceRecorder | undefined {
  const options = { ...DEFAULT_EVIDENCE_OPTIONS, ...overrides };
  if (options.packets === 'none') return undefined;
  return new EvidenceRecorder(options, new SliceStore(openStore(dbPath), options.storeMaxBytes, counters), counters);
}
