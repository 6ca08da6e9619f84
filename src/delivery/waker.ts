/** A sleep that ends early when woken (new rows, stop): a queue never waits out a whole poll for nothing. */
export class Waker {
  private wake: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  kick(): void {
    this.wake?.();
  }
}
