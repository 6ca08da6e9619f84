/** The monitor config file's keys: one per `monitor` flag (snake_case), validated with zod. */
import { z } from 'zod';
import { EvidenceConfigSchema } from './evidence-config.js';
import { DESTINATION_OPTION_KEYS } from '../delivery/url.js';
import { MAX_GEOIP_MAX_AGE_DAYS } from '../enrich/staleness.js';

export const MonitorConfigSchema = z
  .object({
    interface: z.string().min(1),
    filter: z.string(),
    snaplen: z.number().int().min(68).max(262_144),
    buffer_size_mb: z.number().int().min(1).max(4096),
    promiscuous: z.boolean(),
    devices: z.array(z.string().min(1)),
    rules: z.array(z.string().min(1)),
    geoip: z.string().min(1),
    /** SQLite store path; false for none. */
    db: z.union([z.string().min(1), z.literal(false)]),
    ndjson: z.string().min(1),
    format: z.enum(['text', 'ndjson', 'none']),
    events: z.enum(['alerts', 'flows', 'all']),
    stats_interval: z.number().int().min(1).max(86_400),
    suppress_window: z.number().int().min(0).max(86_400),
    user: z.string().min(1),
    /** MiB the daemon may use; table bounds are sized to fit. */
    memory_budget_mb: z.number().int().min(64).max(1_048_576),
    /** Destinations (docs/delivery.md): a URL, or a URL with its TLS files, secret source and min_severity. */
    deliver: z.array(
      z.union([
        z.string().min(1),
        z
          .object({
            url: z.string().min(1),
            // The option keys parseDestination knows; which apply to which scheme it checks itself.
            ...Object.fromEntries(DESTINATION_OPTION_KEYS.map((k) => [k, z.union([z.string().min(1), z.number()]).optional()])),
          })
          .strict(),
      ]),
    ),
    /** The outbox's bound and the heartbeat interval (seconds, 0 = none). */
    delivery: z
      .object({
        outbox_max_bytes: z.number().int().min(1024 * 1024).max(2 ** 40),
        heartbeat_interval: z.number().int().min(0).max(86_400),
      })
      .partial()
      .strict(),
    /** Packet slices for alerted flows (docs/evidence.md). */
    evidence: EvidenceConfigSchema,
    /** Directory of the checkpoint signing key (docs/integrity.md). */
    key_dir: z.string().min(1),
    /** Seconds without a packet before a no_traffic capture gap opens; 0 = never (daemon/silence-detector.ts). */
    silence_after: z.number().int().min(0).max(86_400 * 7),
    /** GeoIP data older than this many days is warned about (enrich/staleness.ts). */
    geoip_max_age_days: z.number().int().min(1).max(MAX_GEOIP_MAX_AGE_DAYS),
    /** Days each kind of row is kept in the store; 0 = forever (sinks/retention.ts). Config file only. */
    retention: z
      .object({
        flows_days: z.number().int().min(0).max(36_500),
        stats_days: z.number().int().min(0).max(36_500),
        alerts_days: z.number().int().min(0).max(36_500),
      })
      .partial()
      .strict(),
    /** The unit or box name reports show in their header (`groundwatch report --config`). */
    unit_name: z.string().min(1).max(200),
  })
  .partial()
  .strict();

export type MonitorConfig = z.infer<typeof MonitorConfigSchema>;
