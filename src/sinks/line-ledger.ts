/**
 * Which lines handed to an asynchronous file writer have reached the file:
 * lengths in bytes, oldest first, consumed as the writer reports bytes
 * written (a partial write leaves its line unwritten). So a failing file can
 * say exactly how many lines it lost.
 */
export class LineLedger {
  private lengths: number[] = [];
  private head = 0;
  /** Bytes of the oldest unwritten line already written. */
  private partial = 0;

  get unwritten(): number {
    return this.lengths.length - this.head;
  }

  added(bytes: number): void {
    this.lengths.push(bytes);
  }

  /** The newest `count` lines never entered the writer (it dropped them). */
  droppedNewest(count = 1): void {
    for (let i = 0; i < count && this.unwritten > 0; i++) this.lengths.pop();
  }

  written(bytes: number): void {
    let left = this.partial + bytes;
    while (this.head < this.lengths.length && left >= this.lengths[this.head]!) {
      left -= this.lengths[this.head]!;
      this.head++;
    }
    this.partial = this.head < this.lengths.length ? left : 0;
    if (this.head > 4096 && this.head * 2 > this.lengths.length) {
      this.lengths = this.lengths.slice(this.head);
      this.head = 0;
    }
  }

  /** Everything reached the file. */
  clear(): void {
    this.lengths = [];
    this.head = 0;
    this.partial = 0;
  }
}
