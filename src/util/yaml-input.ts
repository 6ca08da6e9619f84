/**
 * Limits on the YAML files people hand us (rule packs, the operators list,
 * the monitor's config). The `yaml` parser holds a whole document and its
 * syntax tree in memory (about 170 bytes of heap per byte of a rule file,
 * 22 s for 4 MB), and expanding aliases can multiply a 1 KB file into
 * billions of nodes. So a file is refused before it is read when it is
 * larger than MAX_YAML_FILE_BYTES, and alias expansion stops at
 * MAX_YAML_ALIAS_COUNT (yaml's `maxAliasCount`). Callers turn YamlLimitError
 * into their own one-line error (RULES_INVALID, CONFIG_INVALID).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Document } from 'yaml';

/** The shipped packs are 2-13 KB; 1 MiB is about 7,000 rules and parses in a few seconds. */
export const MAX_YAML_FILE_BYTES = 1024 * 1024;
/** yaml's own default, stated here so that it is documented and tested: no shipped file uses aliases. */
export const MAX_YAML_ALIAS_COUNT = 100;

export class YamlLimitError extends Error {}

/**
 * Reads a UTF-8 file of at most `maxBytes`. The size is checked on the open
 * descriptor before any read, and the read never takes more than maxBytes + 1
 * bytes: a FIFO or /dev/zero reports size 0, and a file may grow meanwhile.
 * File-system errors (ENOENT, EACCES, EISDIR) are thrown as they are.
 */
export function readTextFileWithin(path: string, maxBytes = MAX_YAML_FILE_BYTES): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw tooLarge(size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(total, maxBytes, 'at least ');
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function tooLarge(size: number, max: number, qualifier = ''): YamlLimitError {
  return new YamlLimitError(`file too large (${qualifier}${size} bytes; the limit for YAML files is ${max} bytes)`);
}

/** `doc.toJS()` with the alias bound; an alias bomb, or nesting too deep for the stack, is a YamlLimitError. */
export function yamlToJs(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new YamlLimitError(`too many alias expansions (more than ${MAX_YAML_ALIAS_COUNT}; an alias bomb?)`);
    }
    if (err instanceof RangeError) throw new YamlLimitError('nested too deeply');
    throw err;
  }
}
