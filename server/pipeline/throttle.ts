// Enable Throttling: limits rows and bytes per second (0 means no limit). Shared by the
// parallel copy workers of a task, so the limit holds for the task as a whole.
export class Throttle {
  private windowStart = Date.now();
  private rows = 0;
  private bytes = 0;

  constructor(
    private rps: number,
    private bps: number,
  ) {}

  /** records work done and sleeps as long as needed to stay under the limits */
  async take(rows: number, bytes: number, signal?: AbortSignal): Promise<void> {
    if (!this.rps && !this.bps) return;
    const now = Date.now();
    // a 5-second window: a burst after an idle spell is still limited, old history fades
    if (now - this.windowStart > 5_000 && this.rows === 0 && this.bytes === 0) this.windowStart = now;
    this.rows += rows;
    this.bytes += bytes;
    const elapsedS = (now - this.windowStart) / 1000;
    const neededS = Math.max(this.rps ? this.rows / this.rps : 0, this.bps ? this.bytes / this.bps : 0);
    const waitMs = (neededS - elapsedS) * 1000;
    if (elapsedS > 5 && waitMs <= 0) {
      this.windowStart = now;
      this.rows = 0;
      this.bytes = 0;
    }
    if (waitMs <= 0 || signal?.aborted) return;
    await abortableSleep(waitMs, signal);
  }
}

/** sleeps `ms`, or less when `signal` aborts; leaves no listener behind */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
