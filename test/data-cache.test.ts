import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cachedValue, cacheFileName } from '../src/data-cache.js';
import { parseOperators } from '../src/enrich/operators.js';
import { parseRuleFile } from '../src/rules/load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Written by `npm run build` (npm test builds first). */
const BUILT = pathToFileURL(join(ROOT, 'dist', 'data-cache') + '/');
const shipped = readdirSync(join(ROOT, 'rules')).filter((n) => n.endsWith('.yaml'));

describe('build-time data cache', () => {
  it('holds, for every shipped YAML file, exactly what parsing and validating it gives', async () => {
    expect(shipped.length).toBeGreaterThanOrEqual(5);
    for (const name of shipped) {
      const file = join(ROOT, 'rules', name);
      const text = readFileSync(file, 'utf8');
      const kind = name === 'operators.yaml' ? 'operators' : 'rules';
      const parsed = kind === 'operators' ? await parseOperators(text, file) : await parseRuleFile(file, text, false);
      expect(cachedValue(kind, file, text, BUILT), cacheFileName(kind, file)).toEqual(JSON.parse(JSON.stringify(parsed)));
    }
  });

  it('misses when the text differs by one byte, and when there is no cache', () => {
    const file = join(ROOT, 'rules', 'dji.yaml');
    const text = readFileSync(file, 'utf8');
    expect(cachedValue('rules', file, text, BUILT)).toBeDefined();
    expect(cachedValue('rules', file, `${text} `, BUILT)).toBeUndefined();
    expect(cachedValue('rules', file, text, pathToFileURL('/nonexistent/'))).toBeUndefined();
  });
});
