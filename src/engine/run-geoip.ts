/**
 * The GeoIP databases a run used, for the run's provenance (runs.geoip): role,
 * type, path, build date and the file's SHA-256, so an alert can be traced to
 * the exact data that placed its destination (the bytes read at open). A file that cannot be read for
 * hashing (removed since it was opened) is listed without a digest.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { GeoResolver } from '../enrich/index.js';
import type { RunGeoDatabase } from '../records/ecs.js';

export async function runGeoDatabases(geo: Pick<GeoResolver, 'databases'> & Partial<Pick<GeoResolver, 'contentSha256'>>): Promise<RunGeoDatabase[]> {
  return Promise.all(
    geo.databases().map(async (db) => {
      // The bytes the resolver read at open are the data that placed the destinations; hashing
      // them spares a second read of the files. A resolver that kept none: hash the file.
      const sha256 = geo.contentSha256?.(db.path) ?? (await fileSha256(db.path));
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
