// Full data synchronization: a consistent snapshot exported from the replication slot's
// creation, read by parallel workers with COPY. Streaming continues from the slot's
// consistent point, so the handoff has no gap and no overlap.
import { to as copyTo } from 'pg-copy-streams';
import type pg from 'pg';
import type { BulkStream, ChunkSpec, ConnectionConfig, SnapshotSession, SnapshotSource, TableMapping } from '../types';
import { connect, lit, q, qualify } from './connect';
import { slotName } from './names';
import { ensureCaptureObjects, slotExists } from './capture';
import { ChangesLostError } from '../shared/errors';
import { WorkerPool, type PoolWorker } from '../shared/worker-pool';

/** tables above this size are split into ctid ranges so several workers can copy them */
const CHUNK_BYTES = 128 * 1024 * 1024;
const PAGE = 8192;

function selectList(m: TableMapping): string {
  return m.columns.map((c) => q(c.source)).join(', ');
}

/** `COPY (SELECT ...) TO STDOUT` for one chunk of a table */
export function copyOutSql(m: TableMapping, chunk: ChunkSpec, format: 'binary' | 'text'): string {
  const conds = [chunk.range, m.where ? `(${m.where})` : null].filter((c): c is string => !!c);
  const body = conds.length
    ? `(SELECT ${selectList(m)} FROM ${qualify(m.source)} WHERE ${conds.join(' AND ')})`
    : `${qualify(m.source)} (${selectList(m)})`;
  return `COPY ${body} TO STDOUT${format === 'binary' ? ' (FORMAT binary)' : ''}`;
}

/** a snapshot reader; it is dead once a COPY did not finish */
type Worker = PoolWorker<pg.Client>;

class PgSnapshotSession implements SnapshotSession {
  private pool: WorkerPool<pg.Client>;
  constructor(
    readonly position: string,
    workers: Worker[],
    readonly replayUntil: string | null = null,
  ) {
    this.pool = new WorkerPool(workers);
  }

  async chunks(m: TableMapping, _estimateRows: number): Promise<ChunkSpec[]> {
    const w = await this.pool.acquire();
    try {
      const r = await w.conn.query<{ pages: string; kind: string }>(
        `SELECT (pg_relation_size(c.oid) / ${PAGE})::bigint AS pages, c.relkind AS kind FROM pg_class c WHERE c.oid = ${lit(qualify(m.source))}::regclass`,
      );
      // a partitioned table has no rows of its own: COPY reads it through a query, whole
      if (r.rows[0]?.kind === 'p') return [{ range: 'true', label: 'partitioned table' }];
      const pages = Number(r.rows[0]?.pages ?? 0);
      const per = Math.floor(CHUNK_BYTES / PAGE);
      if (pages <= per) return [{ range: null, label: 'whole table' }];
      const out: ChunkSpec[] = [];
      for (let p = 0; p < pages; p += per) {
        const last = p + per >= pages;
        // the last range is open-ended: pages added after the size was read belong to it
        out.push({
          range: last ? `ctid >= '(${p},0)'::tid` : `ctid >= '(${p},0)'::tid AND ctid < '(${p + per},0)'::tid`,
          label: last ? `pages [${p},end)` : `pages [${p},${p + per})`,
        });
      }
      return out;
    } finally {
      this.pool.release(w);
    }
  }

  async read(m: TableMapping, chunk: ChunkSpec, format: BulkStream['format']) {
    const w = await this.pool.acquire();
    const fmt = format === 'pg-copy-binary' ? 'binary' : 'text';
    const stream = w.conn.query(copyTo(copyOutSql(m, chunk, fmt)));
    let ended = false;
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      if (ended) {
        this.pool.release(w);
        return;
      }
      // the COPY was cut short (the destination failed): this connection is still in COPY
      // mode and its snapshot cannot be trusted, so close it rather than reuse it
      w.dead = true;
      stream.destroy();
      await w.conn.end().catch(() => undefined);
      this.pool.release(w);
    };
    const done = new Promise<void>((resolve, reject) => {
      stream.on('end', () => {
        ended = true;
        void release();
        resolve();
      });
      stream.on('error', (e) => {
        void release();
        reject(e);
      });
    });
    done.catch(() => undefined);
    const data: BulkStream = { format: fmt === 'binary' ? 'pg-copy-binary' : 'pg-copy-text', stream };
    return { data, done, release };
  }

  async close(): Promise<void> {
    await this.pool.close(async (w) => {
      if (!w.dead) await w.conn.query('COMMIT').catch(() => undefined);
      await w.conn.end().catch(() => undefined);
    });
  }
}

async function openWorkers(cfg: ConnectionConfig, n: number, snapshot: string): Promise<Worker[]> {
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const client = await connect(cfg, { applicationName: 'dts-snapshot' });
      workers.push({ conn: client, busy: false, dead: false });
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET TRANSACTION SNAPSHOT ${lit(snapshot)}`);
    }
    return workers;
  } catch (e) {
    await Promise.all(workers.map((w) => w.conn.end().catch(() => undefined)));
    throw e;
  }
}

export const snapshotSource: SnapshotSource = {
  async openSnapshot(cfg, { taskId, mappings, workers, withCapture, captureMustExist }) {
    const slot = slotName(taskId);
    if (withCapture && captureMustExist && !(await slotExists(cfg, slot))) {
      // tables loaded before hold rows up to the old slot; a new slot would miss what came between
      throw new ChangesLostError(
        `The replication slot ${slot} no longer exists on the source (it was dropped outside DTS), so the changes made since the full data synchronization began are lost. Create a new task to synchronize the full data again.`,
      );
    }
    if (withCapture) await ensureCaptureObjects(cfg, taskId, mappings);
    if (withCapture && !(await slotExists(cfg, slot))) {
      // the slot's exported snapshot: workers see exactly the rows committed before its
      // consistent point, and the stream delivers exactly the later changes
      const repl = await connect(cfg, { replication: true, applicationName: 'dts-slot' });
      try {
        const r = await repl.query<{ consistent_point: string; snapshot_name: string }>(
          `CREATE_REPLICATION_SLOT ${q(slot)} LOGICAL pgoutput (SNAPSHOT 'export')`,
        );
        const { consistent_point, snapshot_name } = r.rows[0];
        // the export lives only while `repl` stays open and idle: import it everywhere first
        const ws = await openWorkers(cfg, workers, snapshot_name);
        return new PgSnapshotSession(consistent_point, ws);
      } finally {
        await repl.end().catch(() => undefined);
      }
    }
    // Full-only task, or resuming a full load after a restart: the slot already holds every change since its
    // consistent point. A fresh snapshot reads newer rows; replaying from the slot on top of
    // them converges because apply is idempotent (upsert, update-or-insert, delete-if-exists).
    const exporter = await connect(cfg, { applicationName: 'dts-snapshot' });
    try {
      await exporter.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snap = (await exporter.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0].s;
      const pos = (await exporter.query<{ p: string }>('SELECT confirmed_flush_lsn::text AS p FROM pg_replication_slots WHERE slot_name = $1', [slot])).rows[0]?.p;
      // every transaction this snapshot sees committed before the current WAL position
      const now = (await exporter.query<{ p: string }>('SELECT pg_current_wal_lsn()::text AS p')).rows[0].p;
      const ws = await openWorkers(cfg, workers, snap);
      return new PgSnapshotSession(pos ?? '0/0', ws, withCapture ? now : null);
    } finally {
      await exporter.query('COMMIT').catch(() => undefined);
      await exporter.end().catch(() => undefined);
    }
  },
};
