/**
 * A level-triggered wake-up: `notify()` before `wait()` is not lost, so a reader that checks
 * the log, finds nothing, then waits, still wakes for an append that landed in between.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Resolves on the next (or an already pending) notify, or after `timeoutMs`. */
  async wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.waiter === done) this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
    this.pending = false;
  }
}
