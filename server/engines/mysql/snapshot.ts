// Full data synchronization from MySQL/MariaDB: `workers` connections each open a consistent
// snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT) one right after another, without any
// global lock. MariaDB reports the binlog position matching each snapshot
// (binlog_snapshot_file/position): streaming starts at the smallest, and transactions up to the
// largest replay over the (possibly newer) snapshot data, which idempotent apply absorbs.
import type { BulkStream, ChunkSpec, ConnectionConfig, Position, Row, SnapshotSession, SnapshotSource, TableMapping } from '../types';
import { connect, q, qualify, type MyConnection } from './connect';
import { ensureHeartbeat, sourceWhere } from './capture';
import { comparePos, formatPos } from './types';
import { WorkerPool, type PoolWorker } from '../shared/worker-pool';

/** rows per batch handed to the writer */
const BATCH_ROWS = 4000;
/** a batch is also cut past this many bytes of values (wide rows) */
const BATCH_BYTES = 8 * 1024 * 1024;
/** tables with more rows than this (estimate) are split into key ranges */
const CHUNK_ROWS = 500_000;
const MAX_CHUNKS = 64;

type Worker = PoolWorker<MyConnection>;

/** rows as objects on a reader connection (which returns arrays by default) */
async function rows<T>(c: MyConnection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [r] = await c.query({ sql, values, rowsAsArray: false });
  return r as unknown as T[];
}

function selectSql(m: TableMapping, chunk: ChunkSpec): string {
  const conds = [chunk.range, m.where ? `(${m.where})` : null].filter((x): x is string => !!x);
  return `SELECT ${m.columns.map((c) => q(c.source)).join(', ')} FROM ${qualify(m.source)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`;
}

/** even ranges of a single integer key between lo and hi; the first and last are open-ended */
export function integerRanges(col: string, lo: bigint, hi: bigint, n: number): ChunkSpec[] {
  if (n <= 1 || hi <= lo) return [{ range: null, label: 'whole table' }];
  const span = hi - lo + 1n;
  const step = (span + BigInt(n) - 1n) / BigInt(n);
  const out: ChunkSpec[] = [];
  for (let a = lo; a <= hi; a += step) {
    const b = a + step;
    const first = a === lo;
    const last = b > hi;
    const conds = [first ? null : `${q(col)} >= ${a}`, last ? null : `${q(col)} < ${b}`].filter(Boolean);
    out.push({ range: conds.length ? conds.join(' AND ') : null, label: `${col} ${first ? '(-inf' : `[${a}`},${last ? '+inf)' : `${b})`}` });
  }
  return out;
}

class MySnapshotSession implements SnapshotSession {
  private pool: WorkerPool<MyConnection>;

  constructor(
    readonly position: Position,
    readonly replayUntil: Position | null,
    workers: Worker[],
  ) {
    this.pool = new WorkerPool(workers);
  }

  async chunks(m: TableMapping, estimateRows: number): Promise<ChunkSpec[]> {
    const whole: ChunkSpec[] = [{ range: null, label: 'whole table' }];
    if (m.keyColumns.length !== 1 || estimateRows <= CHUNK_ROWS) return whole;
    const key = m.keyColumns[0];
    const w = await this.pool.acquire();
    try {
      const t = await rows<{ t: string }>(w.conn, 'SELECT LOWER(DATA_TYPE) AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?', [m.source.schema, m.source.name, key]);
      if (!/^(tinyint|smallint|mediumint|int|bigint)$/.test(t[0]?.t ?? '')) return whole;
      const r = await rows<{ lo: string | null; hi: string | null }>(w.conn, `SELECT MIN(${q(key)}) AS lo, MAX(${q(key)}) AS hi FROM ${qualify(m.source)}`);
      if (r[0]?.lo == null || r[0]?.hi == null) return whole;
      const n = Math.min(MAX_CHUNKS, Math.ceil(estimateRows / CHUNK_ROWS));
      return integerRanges(key, BigInt(r[0].lo), BigInt(r[0].hi), n);
    } finally {
      this.pool.release(w);
    }
  }

  async read(m: TableMapping, chunk: ChunkSpec, _format: BulkStream['format']) {
    const w = await this.pool.acquire();
    const names = m.columns.map((c) => c.source);
    // the callback connection streams rows with backpressure (rowsAsArray: in select order)
    const query = (w.conn as unknown as { connection: { query(sql: string): { stream(o: { highWaterMark: number }): NodeJS.ReadableStream & { destroy(): void } } } }).connection.query(selectSql(m, chunk));
    const stream = query.stream({ highWaterMark: BATCH_ROWS });
    let ended = false;
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      if (!ended) {
        // cut short (the destination failed): the result is still arriving on this connection,
        // so close it rather than reuse it
        w.dead = true;
        w.conn.destroy();
      }
      this.pool.release(w);
    };
    const done = new Promise<void>((resolve, reject) => {
      stream.on('end', () => {
        ended = true;
        resolve();
      });
      stream.on('error', (e: Error) => reject(e));
    });
    done.catch(() => undefined);
    async function* batches(): AsyncGenerator<Row[]> {
      let batch: Row[] = [];
      let bytes = 0;
      for await (const values of stream as AsyncIterable<(string | null)[]>) {
        const row: Row = {};
        for (let i = 0; i < names.length; i++) {
          const v = values[i];
          row[names[i]] = v;
          if (v !== null) bytes += v.length;
        }
        batch.push(row);
        if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) {
          yield batch;
          batch = [];
          bytes = 0;
        }
      }
      if (batch.length) yield batch;
      ended = true;
      await release();
    }
    const data: BulkStream = { format: 'rows', batches: batches() };
    return { data, done: done.then(release), release };
  }

  async close(): Promise<void> {
    await this.pool.close(async (w) => {
      if (w.dead) return;
      w.dead = true;
      await w.conn.query('COMMIT').catch(() => undefined);
      await w.conn.end().catch(() => w.conn.destroy());
    });
  }
}

interface SnapshotStatus {
  Variable_name: string;
  Value: string;
}

/** the binlog position a just-started consistent snapshot sees (MariaDB), or null */
async function snapshotPosition(c: MyConnection): Promise<Position | null> {
  const r = await rows<SnapshotStatus>(c, "SHOW SESSION STATUS LIKE 'binlog_snapshot_%'");
  const file = r.find((x) => x.Variable_name.toLowerCase() === 'binlog_snapshot_file')?.Value;
  const pos = r.find((x) => x.Variable_name.toLowerCase() === 'binlog_snapshot_position')?.Value;
  return file ? formatPos({ file, pos: Number(pos) }) : null;
}

async function openWorker(cfg: ConnectionConfig): Promise<MyConnection> {
  const c = await connect(cfg, { rowsAsArray: true });
  try {
    // a slow destination must not make the server give up sending a big result
    await c.query('SET SESSION net_write_timeout = 3600');
    await c.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return c;
  } catch (e) {
    c.destroy();
    throw e;
  }
}

export const snapshotSource: SnapshotSource = {
  async openSnapshot(cfg, { workers, withCapture }) {
    // captureMustExist: the stream's open() checks that the position's binlog file still exists
    if (withCapture) {
      const c = await connect(cfg);
      try {
        await ensureHeartbeat(c, sourceWhere(cfg));
      } finally {
        await c.end().catch(() => c.destroy());
      }
    }
    const ws: Worker[] = [];
    try {
      for (let i = 0; i < Math.max(1, workers); i++) ws.push({ conn: await openWorker(cfg), busy: false, dead: false });
      // started back to back, so the snapshots are as close together as possible
      for (const w of ws) await w.conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      const positions: Position[] = [];
      for (const w of ws) {
        const p = await snapshotPosition(w.conn);
        if (p) positions.push(p);
      }
      if (withCapture && positions.length !== ws.length) {
        throw new Error(
          'The source does not report the binlog position of a consistent snapshot (binlog_snapshot_file is empty: the binary log is off, or the server is not MariaDB). Enable the binary log (log_bin, binlog_format=ROW, binlog_row_image=FULL) on a MariaDB source.',
        );
      }
      positions.sort(comparePos);
      const position = positions[0] ?? '';
      const last = positions[positions.length - 1];
      const replayUntil = last && comparePos(last, position) !== 0 ? last : null;
      return new MySnapshotSession(position, replayUntil, ws);
    } catch (e) {
      await Promise.all(ws.map((w) => w.conn.end().catch(() => w.conn.destroy())));
      throw e;
    }
  },
};
