import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { GeoResolver } from './geo-resolver.js';

export interface GeoWatchOptions {
  /** geoipupdate writes a temp file then renames: wait for the burst to settle (default 2 s). */
  debounceMs?: number;
  /** Extra directories to watch besides those of the databases in use. */
  dirs?: string[];
}

/** Reloads the resolver when a .mmdb file changes in the directories it reads from. */
export function watchGeoDir(
  resolver: GeoResolver,
  onReload: (result: { ok: boolean; error?: string }) => void,
  opts: GeoWatchOptions = {},
): { close(): void } {
  const dirs = new Set([...resolver.databases().map((d) => dirname(d.path)), ...(opts.dirs ?? [])]);
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const schedule = (file: string | null): void => {
    if (file !== null && !file.toLowerCase().endsWith('.mmdb')) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void resolver.reload().then(onReload);
    }, opts.debounceMs ?? 2_000);
    timer.unref();
  };
  for (const dir of dirs) {
    try {
      const w = watch(dir, { persistent: false }, (_event, file) => schedule(file === null ? null : String(file)));
      w.on('error', () => {});
      watchers.push(w);
    } catch {
      // A directory that cannot be watched (gone, no inotify slots) just is not watched.
    }
  }
  return {
    close(): void {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
