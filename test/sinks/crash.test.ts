import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/sinks/sqlite-store.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const viteNode = join(repoRoot, 'node_modules/vite-node/vite-node.mjs');
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Runs the writer until it has reported `flushes` completed flushes, then SIGKILLs it. */
function runAndKill(ndjson: string, db: string, flushes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [viteNode, child, ndjson, db], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let lastFlushed = '';
    let seen = 0;
    let stderr = '';
    let buffered = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`child too slow: ${stderr}`)); }, 8000);
    proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^FLUSHED (\S+)$/.exec(line);
        if (!m) continue;
        lastFlushed = m[1]!;
        if (++seen === flushes) proc.kill('SIGKILL'); // while it is writing the next batch
      }
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && seen >= flushes) resolve(lastFlushed);
      else reject(new Error(`child exited early (${code ?? signal}): ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it('after kill -9 the store opens cleanly and holds every alert flushed before the kill', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-crash-'));
    const ndjson = join(dir, 'alerts.ndjson');
    const dbPath = join(dir, 'store.db');
    const lastFlushed = await runAndKill(ndjson, dbPath, 6);

    const raw = new Database(dbPath);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const db = openStore(dbPath, { readonly: true });
    const stored = new Set((db.prepare('SELECT id FROM alerts').all() as { id: string }[]).map((r) => r.id));
    db.close();

    const ids: string[] = [];
    for (const line of readFileSync(ndjson, 'utf8').split('\n')) {
      let id: string | undefined;
      try {
        id = (JSON.parse(line) as { event: { id: string } }).event.id;
      } catch {
        continue; // a torn last line is expected after SIGKILL
      }
      ids.push(id);
      if (id === lastFlushed) break;
    }
    expect(ids.at(-1)).toBe(lastFlushed);
    expect(ids.length).toBeGreaterThanOrEqual(6 * 200);
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
  }, 10_000);
});
