/**
 * Config keys for packet slices (`evidence:` in the monitor config file,
 * `--evidence-packets` on replay); docs/evidence.md says what each costs.
 */
import { z } from 'zod';
import { EVIDENCE_PACKET_MODES, type EvidenceOptions } from '../evidence/evidence-options.js';

export const EvidenceConfigSchema = z
  .object({
    /** headers (default) | full (payload too: officers' accounts and positions may be in it) | none */
    packets: z.enum(EVIDENCE_PACKET_MODES as [string, ...string[]]),
    ring_mb: z.number().int().min(1).max(4096),
    ring_seconds: z.number().int().min(1).max(86_400),
    store_max_mb: z.number().int().min(1).max(1_048_576),
    max_packets_per_flow: z.number().int().min(1).max(10_000_000),
  })
  .partial()
  .strict();

export type EvidenceConfig = z.infer<typeof EvidenceConfigSchema>;

const MIB = 1024 * 1024;

export function evidenceOptionsFromConfig(c: EvidenceConfig | undefined): Partial<EvidenceOptions> {
  if (c === undefined) return {};
  return {
    ...(c.packets !== undefined ? { packets: c.packets as EvidenceOptions['packets'] } : {}),
    ...(c.ring_mb !== undefined ? { ringBytes: c.ring_mb * MIB } : {}),
    ...(c.ring_seconds !== undefined ? { ringSeconds: c.ring_seconds } : {}),
    ...(c.store_max_mb !== undefined ? { storeMaxBytes: c.store_max_mb * MIB } : {}),
    ...(c.max_packets_per_flow !== undefined ? { maxPacketsPerFlow: c.max_packets_per_flow } : {}),
  };
}
