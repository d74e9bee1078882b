// Full data synchronization: every selected table, split into chunks, copied by parallel
// workers inside one consistent snapshot. Per-table progress is written as it goes; a table
// already done (after a restart) is skipped.
import { Transform } from 'node:stream';
import { db } from '../db';
import { Throttle } from './throttle';
import type { BulkStream, ChunkSpec, SnapshotSession, TableMapping, Writer } from '../engines/types';
import { tableKey } from '../engines/types';
import type { Catalog } from '../engines/types';

export interface FullLoadOptions {
  taskId: string;
  mappings: TableMapping[];
  catalog: Catalog;
  snapshot: SnapshotSession;
  writer: Writer;
  format: BulkStream['format'];
  parallelism: number;
  /** Enable Throttling for Full Data Migration (0: no limit) */
  rpsLimit: number;
  bpsLimit: number;
  signal: AbortSignal;
  onProgress: () => void;
}

interface Job {
  m: TableMapping;
  chunk: ChunkSpec;
  mode: 'empty' | 'merge';
}

export async function ensureProgressRows(taskId: string, mappings: TableMapping[], catalog: Catalog): Promise<void> {
  const est = new Map(catalog.tables.map((t) => [tableKey(t), t.rowEstimate]));
  for (const m of mappings) {
    await db().tableProgress.upsert({
      where: where(taskId, m),
      create: {
        taskId,
        sourceSchema: m.source.schema,
        sourceTable: m.source.name,
        targetSchema: m.target.schema,
        targetTable: m.target.name,
        rowsEstimated: BigInt(Math.max(0, Math.round(est.get(tableKey(m.source)) ?? 0))),
      },
      update: { targetSchema: m.target.schema, targetTable: m.target.name },
    });
  }
}

/**
 * Every table of the task is loaded: an earlier attempt finished the full load and failed after
 * it (creating the indexes and foreign keys), so a retry does not open the snapshot again.
 */
export async function fullLoadFinished(taskId: string, mappings: TableMapping[]): Promise<boolean> {
  const progress = await db().tableProgress.findMany({ where: { taskId }, select: { sourceSchema: true, sourceTable: true, phase: true } });
  const done = new Set(progress.filter((p) => p.phase === 'done').map((p) => tableKey({ schema: p.sourceSchema, name: p.sourceTable })));
  return mappings.length > 0 && mappings.every((m) => done.has(tableKey(m.source)));
}

export async function runFullLoad(o: FullLoadOptions): Promise<void> {
  const progress = await db().tableProgress.findMany({ where: { taskId: o.taskId } });
  const done = new Set(progress.filter((p) => p.phase === 'done').map((p) => tableKey({ schema: p.sourceSchema, name: p.sourceTable })));
  const est = new Map(o.catalog.tables.map((t) => [tableKey(t), t]));
  const todo = o.mappings.filter((m) => !done.has(tableKey(m.source)));
  // biggest tables first, so the parallel workers finish together
  todo.sort((a, b) => (est.get(tableKey(b.source))?.bytesEstimate ?? 0) - (est.get(tableKey(a.source))?.bytesEstimate ?? 0));

  const jobs: Job[] = [];
  const remaining = new Map<string, number>();
  const rows = new Map<string, number>();
  const bytes = new Map<string, number>();
  const firstModes = new Map(progress.map((p) => [tableKey({ schema: p.sourceSchema, name: p.sourceTable }), p.loadMode]));
  for (const m of todo) {
    const first = firstModes.get(tableKey(m.source));
    const mode = await o.writer.prepareTable(m, first === 'empty' || first === 'merge' ? first : null);
    const chunks = await o.snapshot.chunks(m, est.get(tableKey(m.source))?.rowEstimate ?? 0);
    for (const chunk of chunks) jobs.push({ m, chunk, mode });
    remaining.set(tableKey(m.source), chunks.length);
    rows.set(tableKey(m.source), 0);
    bytes.set(tableKey(m.source), 0);
    await db().tableProgress.update({ where: where(o.taskId, m), data: { phase: 'copying', startedAt: new Date(), rowsDone: 0n, bytesDone: 0n, loadMode: first ?? mode } });
  }

  // live byte counts, written once a second
  const dirty = new Set<string>();
  const byKey = new Map(todo.map((m) => [tableKey(m.source), m]));
  const timer = setInterval(() => {
    const keys = [...dirty];
    dirty.clear();
    for (const k of keys) {
      const m = byKey.get(k);
      if (!m) continue;
      const t = est.get(k);
      const b = bytes.get(k) ?? 0;
      // binary COPY does not count rows as it goes: estimate from bytes until the chunk ends
      const guess = t && t.bytesEstimate > 0 ? Math.min(t.rowEstimate, Math.round((b / t.bytesEstimate) * t.rowEstimate)) : 0;
      const live = Math.max(rows.get(k) ?? 0, guess);
      void db().tableProgress.update({ where: where(o.taskId, m), data: { bytesDone: BigInt(b), rowsDone: BigInt(live) } }).catch(() => undefined);
    }
  }, 1000);
  timer.unref();

  const throttle = o.rpsLimit || o.bpsLimit ? new Throttle(o.rpsLimit, o.bpsLimit) : null;
  let next = 0;
  // the first failure stops every worker from taking another chunk
  let failed = false;
  const worker = async () => {
    while (next < jobs.length) {
      if (o.signal.aborted || failed) return;
      const job = jobs[next++];
      const k = tableKey(job.m.source);
      const opened = await o.snapshot.read(job.m, job.chunk, o.format);
      const { done, release } = opened;
      const t = est.get(k);
      const data = throttled(opened.data, throttle, t && t.rowEstimate > 0 ? t.bytesEstimate / t.rowEstimate : 0, o.signal);
      try {
        const r = await o.writer.load(job.m, data, job.mode, (n) => {
          bytes.set(k, (bytes.get(k) ?? 0) + n);
          dirty.add(k);
        });
        await done;
        rows.set(k, (rows.get(k) ?? 0) + r.rows);
      } finally {
        await release();
      }
      // a finished chunk is durable progress: a retry window may close
      o.onProgress();
      const left = (remaining.get(k) ?? 1) - 1;
      remaining.set(k, left);
      if (left === 0) {
        dirty.delete(k);
        await db().tableProgress.update({
          where: where(o.taskId, job.m),
          data: { phase: 'done', finishedAt: new Date(), rowsDone: BigInt(rows.get(k) ?? 0), bytesDone: BigInt(bytes.get(k) ?? 0) },
        });
      }
    }
  };
  const guarded = async () => {
    try {
      await worker();
    } catch (e) {
      failed = true;
      throw e;
    }
  };
  let results: PromiseSettledResult<void>[];
  try {
    // every worker has stopped before the caller closes the snapshot and the writer
    results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(o.parallelism, jobs.length)) }, guarded));
  } finally {
    clearInterval(timer);
  }
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  if (o.signal.aborted) throw new AbortedError();
}

/** slows a bulk stream down to the throttle's limits; rows are estimated from bytes */
function throttled(data: BulkStream, throttle: Throttle | null, bytesPerRow: number, signal: AbortSignal): BulkStream {
  if (!throttle) return data;
  if (data.format === 'rows') {
    const source = data.batches;
    return {
      format: 'rows',
      batches: (async function* () {
        for await (const batch of source) {
          await throttle.take(batch.length, batch.length * bytesPerRow, signal);
          yield batch;
        }
      })(),
    };
  }
  const gate = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const rows = bytesPerRow > 0 ? chunk.length / bytesPerRow : 0;
      throttle.take(rows, chunk.length, signal).then(() => cb(null, chunk), cb);
    },
  });
  data.stream.on('error', (e) => gate.destroy(e));
  return { format: data.format, stream: data.stream.pipe(gate) };
}

function where(taskId: string, m: TableMapping) {
  return { taskId_sourceSchema_sourceTable: { taskId, sourceSchema: m.source.schema, sourceTable: m.source.name } };
}

export class AbortedError extends Error {
  constructor() {
    super('stopped');
    this.name = 'AbortedError';
  }
}
