// Enable Throttling: limits rows and bytes per second (0 means no limit).
export class Throttle {
  private start = Date.now();
  private rows = 0;
  private bytes = 0;

  constructor(
    private rps: number,
    private bps: number,
  ) {}

  /** records work done and sleeps as long as needed to stay under the limits */
  async take(rows: number, bytes: number, signal?: AbortSignal): Promise<void> {
    if (!this.rps && !this.bps) return;
    this.rows += rows;
    this.bytes += bytes;
    const elapsed = (Date.now() - this.start) / 1000;
    const need = Math.max(this.rps ? this.rows / this.rps : 0, this.bps ? this.bytes / this.bps : 0);
    const waitMs = (need - elapsed) * 1000;
    if (elapsed > 10) {
      // a sliding window: forget old history so a burst after idle time is still limited
      this.start = Date.now();
      this.rows = 0;
      this.bytes = 0;
    }
    if (waitMs > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
    }
  }
}
