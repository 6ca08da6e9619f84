/** The monitor config file's keys: one per `monitor` flag (snake_case), validated with zod. */
import { z } from 'zod';

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
    /** The unit or box name reports show in their header (`groundwatch report --config`). */
    unit_name: z.string().min(1).max(200),
  })
  .partial()
  .strict();

export type MonitorConfig = z.infer<typeof MonitorConfigSchema>;
