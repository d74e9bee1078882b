// Latency, RPS and BPS of a running task, sampled into MetricSample every few seconds.
import { db } from '../db';

export class TaskMetrics {
  private rows = 0n;
  private bytes = 0n;
  private windowRows = 0;
  private windowBytes = 0;
  private windowStart = Date.now();
  private latencyMs: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  checkpoint: string | null = null;

  constructor(
    private taskId: string,
    private everyMs = 5_000,
  ) {}

  async init(): Promise<void> {
    const last = await db().metricSample.findFirst({ where: { taskId: this.taskId }, orderBy: { at: 'desc' } });
    if (last) {
      this.rows = last.rowsApplied;
      this.bytes = last.bytesApplied;
    }
  }

  start(): void {
    this.timer = setInterval(() => {
      this.writing = this.writing.then(() => this.flush()).catch(() => undefined);
    }, this.everyMs);
    this.timer.unref();
  }

  /** rows and bytes durably applied; `commitTime` of the newest source transaction among them */
  applied(rows: number, bytes: number, commitTime: Date | null): void {
    this.rows += BigInt(rows);
    this.bytes += BigInt(bytes);
    this.windowRows += rows;
    this.windowBytes += bytes;
    if (commitTime) this.latencyMs = Math.max(0, Date.now() - commitTime.getTime());
  }

  get latency(): number | null {
    return this.latencyMs;
  }

  async flush(): Promise<void> {
    const now = Date.now();
    const secs = Math.max(0.001, (now - this.windowStart) / 1000);
    const sample = {
      taskId: this.taskId,
      latencyMs: this.latencyMs,
      rps: this.windowRows / secs,
      bps: this.windowBytes / secs,
      rowsApplied: this.rows,
      bytesApplied: this.bytes,
    };
    this.windowRows = 0;
    this.windowBytes = 0;
    this.windowStart = now;
    await db().metricSample.create({ data: sample });
    if (this.checkpoint) await db().task.update({ where: { id: this.taskId }, data: { checkpoint: this.checkpoint } });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
    await this.flush().catch(() => undefined);
  }
}

/** deletes samples older than the retention window */
export async function pruneMetrics(retentionHours: number): Promise<number> {
  const r = await db().metricSample.deleteMany({ where: { at: { lt: new Date(Date.now() - retentionHours * 3_600_000) } } });
  return r.count;
}
