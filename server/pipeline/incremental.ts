// Incremental synchronization: read batches of source transactions, apply each batch in one
// target transaction that also records its position, and only then acknowledge the source.
// A batch left with nothing to apply (heartbeats, echoes of the other direction of a two-way
// pair dropped by origin or marker, changes filtered out) is not written to the target: a
// direction that wrote a checkpoint for every transaction it dropped made the other direction
// read a new transaction, drop it and answer with its own, for ever (issue 14, item 9). Such a
// batch only moves the acknowledged position on (nothing of it waits to be made durable) and
// gives the latency; the target's checkpoint follows at most every IDLE_CHECKPOINT_MS.
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

/**
 * While there is nothing to apply, the target's checkpoint is written at most this often: the
 * position a restart resumes from stays recent (a MySQL source keeps its binlogs only so long,
 * and what lies between is read again), and a target that stopped taking writes is noticed.
 * The other direction of a pair never receives such a write (PostgreSQL: the checkpoint is not
 * published) or drops it as an echo (MySQL: it carries the marker), so this is the most an idle
 * direction commits, never an answer to what it read.
 */
export const IDLE_CHECKPOINT_MS = 5_000;

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

/** whole transactions with no change left: the batch asks nothing of the target */
function nothingToApply(txns: Transaction[]): boolean {
  return txns.every((t) => !t.partial && t.changes.length === 0 && t.position !== '');
}

export async function runIncremental(o: IncrementalOptions): Promise<void> {
  const byTable = new Map(o.mappings.map((m) => [tableKey(m.source), m]));
  const throttle = new Throttle(o.rpsLimit, o.bpsLimit);
  /** the writer holds a target transaction open: a source transaction arrives in parts */
  let open = false;
  /** when the target last committed; the first idle batch after a start writes at once */
  let wroteAt = -Infinity;
  while (!o.signal.aborted) {
    const txns = await readOrAbort(o.stream, o.maxBatchChanges, o.signal);
    if (!txns) break;
    if (!txns.length) break; // stream closed
    filterOps(txns, byTable);
    let newest: Date | null = null;
    for (const t of txns) if (!t.partial) newest = t.commitTime;
    if (!open && nothingToApply(txns) && Date.now() - wroteAt < IDLE_CHECKPOINT_MS) {
      // Every earlier batch is committed on the target and this one holds nothing to apply,
      // so the source may be acknowledged past it (the Debezium rule holds: no position is
      // acknowledged ahead of a change that is not yet durable). Not a durable apply: no
      // onApplied, which would close a retry window on a target that may refuse writes.
      const position = txns[txns.length - 1].position;
      const bytes = txns.reduce((n, t) => n + t.bytes, 0);
      o.metrics.applied(0, bytes, newest);
      await o.stream.ack(position);
      o.metrics.checkpoint = position;
      await throttle.take(0, bytes, o.signal);
      continue;
    }
    const res = await o.writer.apply(txns, { mappings: byTable, conflicts: o.conflicts });
    open = txns[txns.length - 1].partial === true;
    o.metrics.applied(res.rows, res.bytes, res.position ? newest : null);
    if (res.position) {
      wroteAt = Date.now();
      await o.stream.ack(res.position);
      o.metrics.checkpoint = res.position;
      o.onApplied(res.position);
    }
    await throttle.take(res.rows, res.bytes, o.signal);
  }
}
