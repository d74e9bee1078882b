// The queue between a change stream's socket and ChangeStream.read(), with its backpressure.
// Engine-neutral: an engine decodes its wire protocol, hands whole transactions (or parts of a
// huge one) to push(), counts what waits in memory with hold(), and this pauses its socket while
// more than `maxBuffered` changes (or `maxBytes`) wait, and resumes it below half of both.
import type { Transaction } from '../types';

/** the socket also pauses past this many bytes of waiting changes (wide rows) */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** how the buffer stops and restarts the engine's reading */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

export class ChangeBuffer {
  /** transactions ready to hand over: a queue read from `head` (Array.shift is O(n)) */
  private ready: (Transaction | null)[] = [];
  private head = 0;
  /** changes waiting (queued and in the engine's open transaction) */
  private held = 0;
  /** wire bytes of the changes waiting */
  private bufferedBytes = 0;
  private waiter: (() => void) | null = null;
  private failed: Error | null = null;
  private ended = false;
  private stopped = false;

  constructor(
    private readonly maxBuffered: number,
    private readonly flow: FlowControl,
    readonly maxBytes = MAX_BUFFERED_BYTES,
  ) {}

  /** the first error of the stream; read() throws it once the queue is empty */
  get failure(): Error | null {
    return this.failed;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** changes waiting in memory (queued and in the engine's open transaction) */
  get buffered(): number {
    return this.held;
  }

  /** the socket is paused for backpressure */
  get paused(): boolean {
    return this.stopped;
  }

  /** nothing is queued (what may wait is the engine's open transaction) */
  get drained(): boolean {
    return this.head >= this.ready.length;
  }

  /** the last transaction queued and not yet handed over, or null */
  lastWaiting(): Transaction | null {
    return this.ready.length > this.head ? this.ready[this.ready.length - 1] : null;
  }

  push(t: Transaction): void {
    this.ready.push(t);
    this.wake();
  }

  /** counts changes (and their bytes) now held in memory; pauses the socket past the limits */
  hold(changes: number, bytes: number): void {
    this.held += changes;
    this.bufferedBytes += bytes;
    if ((this.held > this.maxBuffered || this.bufferedBytes > this.maxBytes) && !this.stopped) {
      this.stopped = true;
      this.flow.pause();
    }
  }

  /** held changes that were dropped before being queued (a skipped transaction) */
  drop(changes: number): void {
    this.held -= changes;
  }

  fail(e: Error): void {
    if (this.ended) return;
    this.failed ??= e;
    this.wake();
  }

  /** wakes a waiting read() (new data, failure or close) */
  wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  close(): void {
    this.ended = true;
    this.wake();
  }

  /**
   * Waits for at least one transaction and returns the queued ones up to `maxChanges` changes
   * (at least one; a part ends the batch). Returns [] once closed; throws the stream's failure.
   */
  async read(maxChanges: number): Promise<Transaction[]> {
    while (this.head >= this.ready.length) {
      if (this.failed) throw this.failed;
      if (this.ended) return [];
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    const out: Transaction[] = [];
    let n = 0;
    while (this.head < this.ready.length && (out.length === 0 || n + (this.ready[this.head]?.changes.length ?? 0) <= maxChanges)) {
      const t = this.ready[this.head];
      // handed over: the queue must not keep it alive until the next compaction
      this.ready[this.head++] = null;
      if (!t) continue;
      n += t.changes.length;
      out.push(t);
      if (t.partial) break;
    }
    if (this.head >= this.ready.length) {
      this.ready = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
    this.held = Math.max(0, this.held - n);
    for (const t of out) this.bufferedBytes -= t.bytes;
    if (this.bufferedBytes < 0) this.bufferedBytes = 0;
    // below half the limits, or nothing left to hand over (what waits is the open transaction,
    // which can only be handed over once more of it is read)
    if (this.stopped && (this.drained || (this.held <= this.maxBuffered / 2 && this.bufferedBytes <= this.maxBytes / 2))) {
      this.stopped = false;
      this.flow.resume();
    }
    return out;
  }
}
