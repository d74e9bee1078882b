// The snapshot readers of a SnapshotSession: connections that each hold the snapshot, lent to one
// chunk read at a time. Engine-neutral: the engine opens the connections and reads with them.

export interface PoolWorker<C> {
  conn: C;
  busy: boolean;
  /** its read did not finish: the connection is closed and the worker is out of the pool */
  dead: boolean;
}

export class WorkerPool<C> {
  private waiters: { resolve: (w: PoolWorker<C>) => void; reject: (e: Error) => void }[] = [];

  constructor(readonly workers: PoolWorker<C>[]) {}

  /** a free worker, at once or when one is released; fails once every worker is dead */
  acquire(): Promise<PoolWorker<C>> {
    const free = this.workers.find((w) => !w.busy && !w.dead);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (this.workers.every((w) => w.dead)) return Promise.reject(new Error('every snapshot reader has failed'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** hands the worker to the next waiter, or marks it free (a dead one leaves the pool) */
  release(w: PoolWorker<C>): void {
    if (w.dead) {
      w.busy = false;
      if (this.workers.every((x) => x.dead)) {
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('every snapshot reader has failed'));
      }
      return;
    }
    const next = this.waiters.shift();
    if (next) next.resolve(w);
    else w.busy = false;
  }

  /** fails the waiting reads, then ends every worker with `end` */
  async close(end: (w: PoolWorker<C>) => Promise<void>): Promise<void> {
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the snapshot is closed'));
    await Promise.all(this.workers.map(end));
  }
}
