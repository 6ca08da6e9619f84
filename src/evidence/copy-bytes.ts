/**
 * Bytes kept in the evidence ring, copied into memory of their own. The capture sources hand out
 * frames as views into their read chunks, and those views are Buffers, whose slice() is another
 * view, not a copy: each kept header then held its whole chunk (up to 64 KiB of other packets)
 * alive, far past the ring's byte bound, which counts only the kept bytes. A plain Uint8Array of
 * up to 64 bytes (a header) also lives in V8's heap rather than as a separate allocation.
 */
export function copyBytes(src: Uint8Array, start = 0, end = src.length): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(src.subarray(start, end));
  return out;
}
