/**
 * No layer reaches up. Imports are read with TypeScript's own pre-processor
 * (the parser tsc uses to find a file's dependencies), not a regex of ours,
 * so `import type`, re-exports and dynamic `import()` all count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

/** Folders that run the packets and records: below engine/daemon, far below cli. */
const STAGES = ['address', 'alerts', 'attribution', 'capture', 'config', 'decode', 'detect', 'enrich', 'evidence', 'flow', 'records', 'rules', 'sinks', 'util'];

interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of every file under src/, as paths relative to src/. */
function importEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return info.importedFiles
      .filter((i) => i.fileName.startsWith('.'))
      .map((i) => ({
        from: relative(SRC, file).split(sep).join('/'),
        to: relative(SRC, resolve(dirname(file), i.fileName)).split(sep).join('/'),
      }));
  });
}

const topFolder = (path: string): string => path.split('/')[0] ?? path;
const edges = importEdges();
const show = (list: Edge[]): string[] => list.map((e) => `${e.from} -> ${e.to}`);

describe('layers', () => {
  it('reads the imports of the whole tree (the check is not vacuous)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'engine/session.ts', to: 'sinks/text-sink.js' });
  });

  it('nothing outside src/cli imports from src/cli', () => {
    expect(show(edges.filter((e) => topFolder(e.from) !== 'cli' && topFolder(e.to) === 'cli'))).toEqual([]);
  });

  it('stages never import engine, daemon or cli', () => {
    const up = ['engine', 'daemon', 'cli'];
    expect(show(edges.filter((e) => STAGES.includes(topFolder(e.from)) && up.includes(topFolder(e.to))))).toEqual([]);
  });

  it('records never import alerts or rules (alerts and rules build on records, not the other way)', () => {
    expect(show(edges.filter((e) => topFolder(e.from) === 'records' && ['alerts', 'rules'].includes(topFolder(e.to))))).toEqual([]);
  });

  it('src/ ships no harness: nothing in it imports bench/ or test/, and no bench file lives in it', () => {
    expect(show(edges.filter((e) => /^\.\.\/(bench|test)\//.test(e.to)))).toEqual([]);
    expect(sourceFiles(SRC).map((f) => relative(SRC, f)).filter((f) => /(^|\/)bench[-.]/.test(f))).toEqual([]);
  });
});
