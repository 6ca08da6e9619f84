/**
 * Damage found in a gzip capture (gzip-members.ts), thrown after the data before it. Its own
 * module so that the readers can tell it apart without loading the gzip reader (zlib, streams),
 * which only a compressed file needs: start-up time of a replay of plain captures.
 */
export class GzipDamage extends Error {
  constructor(
    readonly kind: 'truncated' | 'corrupt',
    detail: string,
  ) {
    super(detail);
    this.name = 'GzipDamage';
  }
}
