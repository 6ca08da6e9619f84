/**
 * Reads the monitor's YAML config file. Every problem is one CONFIG_INVALID
 * line naming the file, the line and the key, so an operator editing
 * /etc/groundwatch/groundwatch.yaml over SSH can fix it without guessing.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { GroundwatchError } from '../errors.js';
import { readTextFileWithin, yamlToJs, YamlLimitError } from '../util/yaml-input.js';
import { MonitorConfigSchema, type MonitorConfig } from './monitor-schema.js';

export function loadConfigFile(path: string): MonitorConfig {
  let text: string;
  try {
    text = readTextFileWithin(path);
  } catch (err) {
    if (err instanceof YamlLimitError) throw new GroundwatchError('CONFIG_INVALID', `${path}: ${err.message}`);
    throw new GroundwatchError('CONFIG_INVALID', `${path}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, path: string): MonitorConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line ?? lineCounter.linePos(yamlError.pos[0]).line;
    throw new GroundwatchError('CONFIG_INVALID', `${path}:${line}: ${yamlError.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = yamlToJs(doc) ?? {};
  } catch (err) {
    if (err instanceof YamlLimitError) throw new GroundwatchError('CONFIG_INVALID', `${path}: ${err.message}`);
    throw err;
  }
  const parsed = MonitorConfigSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keyPath = issuePath(issue);
  const node = keyPath.length > 0 ? nodeAt(doc, keyPath) : undefined;
  const line = node !== undefined ? lineCounter.linePos(node).line : 1;
  const key = keyPath.length > 0 ? keyPath.join('.') : '(top level)';
  throw new GroundwatchError('CONFIG_INVALID', `${path}:${line}: ${key}: ${issueText(issue)}`);
}

function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  // An unknown key is reported on its parent: point at the key itself.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) return [...path, issue.keys[0]];
  return path;
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key (keys are the monitor flags in snake_case; see docs/monitor.md)`;
  return issue.message;
}

/** Offset of the key (or of the value, for list items) at `path` in the document. */
function nodeAt(doc: ReturnType<typeof parseDocument>, path: (string | number)[]): number | undefined {
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length > 0 ? doc.getIn(parentPath, true) : doc.contents;
  const last = path[path.length - 1];
  if (parent && typeof parent === 'object' && 'items' in parent && Array.isArray(parent.items)) {
    for (const [i, item] of (parent.items as unknown[]).entries()) {
      if (typeof last === 'number' && i === last && isNode(item)) return item.range?.[0];
      const pair = item as { key?: unknown };
      if (isNode(pair.key) && (pair.key as { value?: unknown }).value === last) return pair.key.range?.[0];
    }
  }
  const node = doc.getIn(path, true);
  return isNode(node) ? node.range?.[0] : undefined;
}
