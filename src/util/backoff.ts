/** Retry delays: 1 s doubling to 30 s by default (capture restarts; failing sinks start lower), back to the first after a success. */
export class Backoff {
  private next: number;
  constructor(
    private readonly firstMs = 1000,
    private readonly maxMs = 30_000,
  ) {
    this.next = firstMs;
  }

  /** The delay to wait now; the following one is doubled (up to the cap). */
  delay(): number {
    const d = this.next;
    this.next = Math.min(this.next * 2, this.maxMs);
    return d;
  }

  reset(): void {
    this.next = this.firstMs;
  }
}
