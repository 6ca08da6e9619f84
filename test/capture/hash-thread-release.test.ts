/**
 * Large inputs are hashed on a worker thread as they are read. A reader that
 * stops early (a failure elsewhere ends the run) must release it: the process
 * then exits by itself instead of hanging on a referenced thread.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { INLINE_HASH_MAX_BYTES } from '../../src/capture/file-hasher.js';
import { REPO_ROOT } from '../support/cli.js';
import { frame, pcapFile } from '../support/capture-writer.js';

const SCRIPT = `
const { openCaptureFiles } = await import(process.argv[2] + '/dist/capture/open-files.js');
const { Counters } = await import(process.argv[2] + '/dist/counters.js');
const input = await openCaptureFiles([process.argv[3]], { counters: new Counters() });
for await (const batch of input.batches()) break;
console.log('stopped');
`;

describe('the hash thread of a large input read only in part', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-hash-release-'));
  const count = Math.ceil((INLINE_HASH_MAX_BYTES * 1.5) / 1516);
  const bytes = pcapFile({ records: Array.from({ length: count }, (_, i) => ({ tsSec: 1 + i, tsFrac: 0, data: frame(i, 1500) })) });
  const plain = join(dir, 'big.pcap');
  writeFileSync(plain, bytes);
  // Incompressible enough that the .gz is larger than the inline limit too.
  const gz = join(dir, 'big.pcap.gz');
  writeFileSync(gz, gzipSync(bytes, { level: 0 }));

  // A script file, not node -e: an evaluated script exits without waiting for a referenced worker.
  const script = join(dir, 'stop-early.mjs');
  writeFileSync(script, SCRIPT);

  it.each([[plain], [gz]])('%s: the process exits on its own once the reader stops', (path) => {
    const r = spawnSync(process.execPath, [script, REPO_ROOT.replace(/\/$/, ''), path], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('stopped');
    expect(r.status).toBe(0);
  });
});
