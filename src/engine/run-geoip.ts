/**
 * The GeoIP databases a run used, for the run's provenance (runs.geoip): role,
 * type, path, build date and the file's SHA-256, so an alert can be traced to
 * the exact data that placed its destination. A file that cannot be read for
 * hashing (removed since it was opened) is listed without a digest.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { GeoResolver } from '../enrich/index.js';
import type { RunGeoDatabase } from '../records/ecs.js';

export async function runGeoDatabases(geo: Pick<GeoResolver, 'databases'>): Promise<RunGeoDatabase[]> {
  return Promise.all(
    geo.databases().map(async (db) => {
      const sha256 = await fileSha256(db.path);
      return { role: db.role, type: db.type, path: db.path, build_date: db.buildDate, ...(sha256 ? { sha256 } : {}) };
    }),
  );
}

async function fileSha256(path: string): Promise<string | undefined> {
  try {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    return h.digest('hex');
  } catch {
    return undefined;
  }
}
