/** Every peer capture, frame by frame, against tshark run on the same file. */
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { diffAgainstTshark, tsharkFrames } from './tshark.js';
import { manifest, PEER_DIR, readAll } from './peer-manifest.js';

describe.concurrent('peer captures against tshark', () => {
  for (const entry of manifest) {
    it(entry.file, async () => {
      const path = join(PEER_DIR, entry.file);
      const [{ packets }, frames] = await Promise.all([readAll(path), tsharkFrames(path)]);
      expect(frames.length).toBeGreaterThan(0);
      // Link types are compared where tshark's encapsulation number maps surely (pcapng files here).
      expect(diffAgainstTshark(packets, frames, entry.link_type === 'per-packet')).toEqual([]);
    });
  }
});
