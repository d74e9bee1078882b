// Incremental synchronization: read batches of source transactions, apply each batch in one
// target transaction that also records its position, and only then acknowledge the source.
import type { ChangeStream, ConflictHandling, TableMapping, Transaction, Writer } from '../engines/types';
import { tableKey } from '../engines/types';
import type { TaskMetrics } from './metrics';
import { Throttle } from './throttle';

export interface IncrementalOptions {
  stream: ChangeStream;
  writer: Writer;
  mappings: TableMapping[];
  /** null: changes overwrite (one-way); otherwise conflicts are detected, resolved and recorded */
  conflicts: ConflictHandling | null;
  metrics: TaskMetrics;
  signal: AbortSignal;
  maxBatchChanges: number;
  rpsLimit: number;
  bpsLimit: number;
  /** called after each durable apply */
  onApplied: (position: string) => void;
}

/** Drops the DML operations a table is not configured to synchronize. */
export function filterOps(txns: Transaction[], byTable: Map<string, TableMapping>): void {
  for (const t of txns) {
    if (!t.changes.length) continue;
    t.changes = t.changes.filter((c) => {
      if (c.op === 'truncate' || c.op === 'ddl') return true;
      const m = byTable.get(tableKey(c.table));
      return !!m && m.ops.includes(c.op);
    });
  }
}

/**
 * The next batch, or null once `signal` aborts. The abort listener is removed after each read:
 * racing every read against one long-lived "aborted" promise kept each batch reachable from
 * that promise until the task stopped (memory grew with every change applied).
 */
function readOrAbort(stream: ChangeStream, maxChanges: number, signal: AbortSignal): Promise<Transaction[] | null> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve(null);
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    stream.read(maxChanges).then(
      (txns) => {
        signal.removeEventListener('abort', onAbort);
        resolve(txns);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export async function runIncremental(o: IncrementalOptions): Promise<void> {
  const byTable = new Map(o.mappings.map((m) => [tableKey(m.source), m]));
  const throttle = new Throttle(o.rpsLimit, o.bpsLimit);
  while (!o.signal.aborted) {
    const txns = await readOrAbort(o.stream, o.maxBatchChanges, o.signal);
    if (!txns) break;
    if (!txns.length) break; // stream closed
    filterOps(txns, byTable);
    const res = await o.writer.apply(txns, { mappings: byTable, conflicts: o.conflicts });
    let newest: Date | null = null;
    for (const t of txns) if (!t.partial) newest = t.commitTime;
    o.metrics.applied(res.rows, res.bytes, res.position ? newest : null);
    if (res.position) {
      await o.stream.ack(res.position);
      o.metrics.checkpoint = res.position;
      o.onApplied(res.position);
    }
    await throttle.take(res.rows, res.bytes, o.signal);
  }
}
