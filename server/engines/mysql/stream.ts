// Incremental data from the binlog, read with @vlasky/zongji as a replica would (its own server
// id per task). A MariaDB transaction arrives as a GTID event, its row events, then XID (or a
// COMMIT query for non-transactional tables); it is handed over whole, at the XID's end
// position. DDL (a standalone GTID group) is not replicated: it emits nothing and refreshes the
// column definitions used to decode later rows.
// - backpressure: the binlog socket pauses while more than `maxBufferedChanges` (or 16 MB)
//   wait in memory; a transaction bigger than that is handed over in parts (`partial`);
// - loop prevention: a transaction carrying a dts.dts_marker row of a skipped origin is
//   emitted empty, so only its position moves on;
// - heartbeat rows (dts.dts_heartbeat) give idle positions and the commit time, never changes.
import ZongJi, { type AnyBinlogEvent, type BinlogEventByName, type TableMapEntry } from '@vlasky/zongji';
import type { Change, ChangeStream, ConnectionConfig, Position, Row, StreamSource, TableMapping, TableRef, Transaction } from '../types';
import { ANY_ORIGIN, tableKey } from '../types';
import { ChangeBuffer } from '../shared/change-buffer';
import { ChangesLostError } from '../shared/errors';
import { connect, loginOptions, type MyConnection } from './connect';
import { HEARTBEAT, MARKER, readerServerId } from './names';
import { formatPos, parsePos } from './types';
import { loadColumns, patchTableMap, toCanonical, type SourceColumn } from './binlog';
import { BinlogRowFilter } from './binlog-filter';
import { binaryLogs, dropCapture, prepareCapture, startHeartbeat } from './capture';

/** changes per part of a very large transaction */
const PART_CHANGES = 20_000;
/** common header of a binlog event (zongji's event.size excludes it) */
const HEADER = 19;
const EVENTS = ['rotate', 'mariadbgtid', 'gtid', 'anonymousgtid', 'tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query'];

interface OpenTxn {
  changes: Change[];
  origin?: string;
  skip: boolean;
  /** commit time from a heartbeat row in the transaction (microsecond precision) */
  beat?: Date;
  bytes: number;
}

type RowsEvent = BinlogEventByName<'writerows'> | BinlogEventByName<'updaterows'> | BinlogEventByName<'deleterows'>;

/** "YYYY-MM-DD HH:MM:SS.ffffff" in UTC -> Date */
function utcDate(s: string): Date | undefined {
  const d = new Date(`${s.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function lostError(e: Error, file: string): Error {
  const errno = (e as { errno?: number }).errno;
  if (errno === 1236 || /could not find first log file|purged|binlog truncated|log event entry exceeded/i.test(e.message)) {
    return new ChangesLostError(
      `The source no longer has the binary log the task needs (${file}: ${e.message}), so the changes since are lost. Create a new task to synchronize the full data again, and raise the binlog retention (binlog_expire_logs_seconds / expire_logs_days) so a paused or slow task keeps its binlogs.`,
    );
  }
  return e;
}

class MyChangeStream implements ChangeStream {
  private buffer: ChangeBuffer;
  private txn: OpenTxn | null = null;
  private refreshing = false;
  private file: string;
  private acked: Position | null = null;
  private columns = new Map<string, SourceColumn[]>();
  private rowFilter: BinlogRowFilter;
  private partChanges: number;
  readonly zongji: ZongJi;

  constructor(
    private cfg: ConnectionConfig,
    private taskId: string,
    private mappings: TableMapping[],
    private meta: MyConnection,
    private skipOrigins: Set<string>,
    maxBuffered: number,
    from: Position,
  ) {
    this.buffer = new ChangeBuffer(maxBuffered, {
      pause: () => this.zongji.connection?.pause(),
      resume: () => {
        if (!this.refreshing) this.zongji.connection?.resume();
      },
    });
    this.file = parsePos(from).file;
    this.rowFilter = new BinlogRowFilter(cfg, mappings);
    this.partChanges = Math.max(1, Math.min(PART_CHANGES, maxBuffered));
    this.zongji = new ZongJi({
      ...loginOptions(cfg),
      dateStrings: true,
      timezone: 'Z',
      jsonStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      enableKeepAlive: true,
    });
  }

  /** the tables whose rows we decode: the mapped ones plus heartbeat and marker */
  private tables(): TableRef[] {
    return [...new Map([...this.mappings.map((m) => m.source), HEARTBEAT, MARKER].map((t) => [tableKey(t), t])).values()];
  }

  async loadColumns(): Promise<void> {
    for (const t of this.tables()) this.columns.set(tableKey(t), await loadColumns(this.meta, t.schema, t.name));
  }

  async start(from: Position): Promise<void> {
    await this.loadColumns();
    const includeSchema: Record<string, string[]> = {};
    for (const t of this.tables()) (includeSchema[t.schema] ??= []).push(t.name);
    const p = parsePos(from);
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => {
        this.zongji.removeListener('ready', onReady);
        reject(lostError(e, p.file));
      };
      const onReady = () => {
        this.zongji.removeListener('error', onError);
        this.zongji.on('error', (e: Error) => this.fail(lostError(e, this.file)));
        resolve();
      };
      this.zongji.once('error', onError);
      this.zongji.once('ready', onReady);
      this.zongji.on('binlog', (e: AnyBinlogEvent) => {
        try {
          this.onEvent(e);
        } catch (err) {
          this.fail(err as Error);
        }
      });
      this.zongji.start({ serverId: readerServerId(this.taskId), filename: p.file, position: p.pos, includeEvents: EVENTS, includeSchema });
    });
    // the binlog connection can also just end (server gone) without an error event
    this.zongji.connection?.on('end', () => this.fail(new Error('Connection lost: the binlog connection to the source ended')));
  }

  /** changes waiting in memory */
  get buffered(): number {
    return this.buffer.buffered;
  }

  fail(e: Error): void {
    this.buffer.fail(e);
  }

  private onEvent(e: AnyBinlogEvent): void {
    const size = e.size + HEADER;
    switch (e.getEventName()) {
      case 'rotate':
        this.file = (e as BinlogEventByName<'rotate'>).binlogName;
        return;
      case 'mariadbgtid':
        // a standalone group (DDL) has no commit event: nothing to buffer
        this.txn = (e as BinlogEventByName<'mariadbgtid'>).standalone ? null : { changes: [], skip: false, bytes: size };
        return;
      case 'gtid':
      case 'anonymousgtid':
        this.txn = { changes: [], skip: false, bytes: size };
        return;
      case 'tablemap': {
        const t = e as BinlogEventByName<'tablemap'>;
        const entry: TableMapEntry | undefined = this.zongji.tableMap[t.tableId];
        const cols = this.columns.get(tableKey({ schema: t.schemaName, name: t.tableName }));
        if (entry && cols) patchTableMap(entry, cols);
        if (this.txn) this.txn.bytes += size;
        return;
      }
      case 'writerows':
      case 'updaterows':
      case 'deleterows':
        this.txn ??= { changes: [], skip: false, bytes: 0 };
        this.onRows(this.txn, e as RowsEvent, size);
        return;
      case 'xid':
        this.commit(e.nextPosition, e.timestamp, size);
        return;
      case 'query': {
        const sql = (e as BinlogEventByName<'query'>).query.trim();
        const word = sql.toUpperCase();
        if (this.txn && /^(SAVEPOINT|ROLLBACK\s+TO|RELEASE\s+SAVEPOINT)\b/.test(word)) {
          // savepoints inside a transaction (the binlog keeps only what was not rolled back)
          this.txn.bytes += size;
        } else if (word === 'BEGIN') {
          this.txn ??= { changes: [], skip: false, bytes: size };
        } else if ((word === 'COMMIT' || word === 'ROLLBACK') && this.txn) {
          // non-transactional tables: their changes stay even under ROLLBACK
          this.commit(e.nextPosition, e.timestamp, size);
        } else {
          this.txn = null;
          this.onDdl(sql);
        }
        return;
      }
    }
  }

  /** a DDL may have changed our tables: reload their columns before decoding more rows */
  private onDdl(sql: string): void {
    const lower = sql.toLowerCase();
    if (!this.tables().some((t) => lower.includes(t.name.toLowerCase()))) return;
    const conn = this.zongji.connection;
    if (!conn || this.refreshing) return;
    this.refreshing = true;
    conn.pause();
    this.loadColumns().then(
      () => {
        this.refreshing = false;
        if (!this.buffer.paused) this.zongji.connection?.resume();
      },
      (err: Error) => {
        this.refreshing = false;
        this.fail(err);
      },
    );
  }

  private onRows(t: OpenTxn, e: RowsEvent, size: number): void {
    t.bytes += size;
    const entry = this.zongji.tableMap[e.tableId];
    if (!entry) return;
    const table: TableRef = { schema: entry.parentSchema, name: entry.tableName };
    const key = tableKey(table);
    const name = e.getEventName();
    if (key === tableKey(MARKER)) {
      for (const r of e.rows) {
        const img = (name === 'updaterows' ? (r as { after: Record<string, unknown> }).after : r) as Record<string, unknown>;
        const origin = img.origin == null ? undefined : String(img.origin);
        if (origin === undefined || name === 'deleterows') continue;
        t.origin = origin;
        if (this.skipOrigins.has(ANY_ORIGIN) || this.skipOrigins.has(origin)) {
          this.buffer.drop(t.changes.length);
          t.changes = [];
          t.skip = true;
        }
      }
      return;
    }
    if (key === tableKey(HEARTBEAT)) {
      if (name === 'deleterows') return;
      for (const r of e.rows) {
        const img = (name === 'updaterows' ? (r as { after: Record<string, unknown> }).after : r) as Record<string, unknown>;
        if (typeof img.ts === 'string') t.beat = utcDate(img.ts) ?? t.beat;
      }
      return;
    }
    if (t.skip) return;
    const cols = this.columns.get(key);
    const byName = new Map((cols ?? []).map((c) => [c.name, c]));
    const conv = (img: Record<string, unknown>): Row => {
      const out: Row = {};
      for (const k of Object.keys(img)) out[k] = toCanonical(img[k], byName.get(k));
      return out;
    };
    // parts never exceed the part size (unless one event alone does)
    if (t.changes.length && t.changes.length + e.rows.length > this.partChanges) this.flushPart(t);
    for (const r of e.rows) {
      if (name === 'writerows') t.changes.push({ op: 'insert', table, after: conv(r as Record<string, unknown>) });
      else if (name === 'deleterows') t.changes.push({ op: 'delete', table, before: conv(r as Record<string, unknown>) });
      else {
        const u = r as { before: Record<string, unknown>; after: Record<string, unknown> };
        t.changes.push({ op: 'update', table, before: conv(u.before), after: conv(u.after) });
      }
    }
    if (t.changes.length >= this.partChanges || t.bytes >= this.buffer.maxBytes / 2) this.flushPart(t);
    this.buffer.hold(e.rows.length, size);
  }

  /** hands over a part; the writer keeps the parts of one transaction in one target transaction */
  private flushPart(t: OpenTxn): void {
    this.buffer.push({ position: '', commitTime: new Date(), origin: t.origin, changes: t.changes, bytes: t.bytes, partial: true });
    t.changes = [];
    t.bytes = 0;
  }

  private commit(nextPosition: number, timestampMs: number, size: number): void {
    const t = this.txn;
    this.txn = null;
    if (!t) return;
    const position = formatPos({ file: this.file, pos: nextPosition });
    const commitTime = t.beat ?? new Date(timestampMs);
    const changes = t.skip ? [] : t.changes;
    const last = this.buffer.lastWaiting();
    if (!changes.length && last && !last.partial && !last.changes.length) {
      // consecutive empty transactions (heartbeats, skipped, other tables): one is enough. Its
      // commit time is the newest known: a heartbeat's is exact, while a binlog timestamp (a
      // skipped echo's) is cut to the second and would make the latency jump back and forth
      last.position = position;
      if (commitTime > last.commitTime) last.commitTime = commitTime;
      last.bytes += t.bytes + size;
      last.origin = undefined;
      this.buffer.wake();
      return;
    }
    this.buffer.push({ position, commitTime, origin: t.origin, changes, bytes: t.bytes + size });
  }

  async read(maxChanges: number): Promise<Transaction[]> {
    const out = await this.buffer.read(maxChanges);
    await this.rowFilter.apply(out);
    return out;
  }

  /** the checkpoint lives on the target; this only records how far the writer got */
  async ack(position: Position): Promise<void> {
    this.acked = position;
  }

  get acknowledged(): Position | null {
    return this.acked;
  }

  async close(): Promise<void> {
    if (this.buffer.closed) return;
    if (openStreams.get(this.taskId) === this) openStreams.delete(this.taskId);
    this.buffer.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      this.zongji.once('stopped', () => {
        clearTimeout(timer);
        resolve();
      });
      this.zongji.stop();
    });
    await this.meta.end().catch(() => this.meta.destroy());
    await this.rowFilter.close();
  }
}

/** the open stream of each task, so a heartbeat refused by its check stops the task */
const openStreams = new Map<string, MyChangeStream>();

export const streamSource: StreamSource = {
  prepare: (cfg) => prepareCapture(cfg),

  async open(cfg, { taskId, mappings, from, skipOrigins, maxBufferedChanges }) {
    if (!from) throw new Error('The MySQL change stream has no start position (no checkpoint and no snapshot position): the task must be recreated.');
    const p = parsePos(from);
    const meta = await connect(cfg);
    let stream: MyChangeStream | null = null;
    try {
      const logs = await binaryLogs(meta);
      if (logs && !logs.includes(p.file)) {
        throw new ChangesLostError(
          `The binary log ${p.file} the task continues from no longer exists on the source (it has ${logs.length ? `${logs[0]} to ${logs[logs.length - 1]}` : 'none'}), so the changes since are lost. Create a new task to synchronize the full data again, and raise the binlog retention (binlog_expire_logs_seconds / expire_logs_days) so a paused or slow task keeps its binlogs.`,
        );
      }
      stream = new MyChangeStream(cfg, taskId, mappings, meta, new Set(skipOrigins), maxBufferedChanges, from);
      await stream.start(from);
      openStreams.set(taskId, stream);
      return stream;
    } catch (e) {
      if (stream) await stream.close().catch(() => undefined);
      else await meta.end().catch(() => meta.destroy());
      throw e;
    }
  },

  // a heartbeat table that fails its check stops the task's open stream with the cause
  startHeartbeat: (cfg, taskId, everyMs, onError) => startHeartbeat(cfg, taskId, everyMs, onError, (e) => openStreams.get(taskId)?.fail(e)),

  cleanup: (cfg, { taskId }) => dropCapture(cfg, taskId),
};
