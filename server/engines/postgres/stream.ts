// Incremental data: pgoutput from the task's slot over a replication connection.
// - backpressure: the socket is paused while more than `maxBufferedChanges` (or 16 MB of wire
//   data) wait in memory;
// - acknowledgement: only positions the writer reported durable are sent to the server;
// - huge transactions are handed over in parts, so memory stays bounded;
// - transactions written under a skipped replication origin are dropped (no echo).
import type pg from 'pg';
import type { Change, ChangeStream, ConnectionConfig, StreamSource, TableMapping, Transaction } from '../types';
import { tableKey } from '../types';
import { connect, q } from './connect';
import { beat, createSlot, dropCaptureObjects, ensureCaptureObjects, slotExists } from './capture';
import { RowFilter } from './row-filter';
import { HEARTBEAT, publicationName, slotName } from './names';
import { bigToLsn, lsnToBig, PG_EPOCH_OFFSET_US } from './types';
import { PgoutputDecoder } from './pgoutput';
import { ANY_ORIGIN } from '../types';
import { ChangesLostError } from '../shared/errors';

/** changes per part of a very large transaction */
const PART_CHANGES = 20_000;
const STATUS_INTERVAL_MS = 5_000;
/** the socket also pauses past this many wire bytes of waiting changes (wide rows) */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

interface OpenTxn {
  changes: Change[];
  origin?: string;
  bytes: number;
  skip: boolean;
  partsSent: number;
}

class PgChangeStream implements ChangeStream {
  private decoder: PgoutputDecoder;
  /** transactions ready to hand over: a queue read from `head` (Array.shift is O(n)) */
  private ready: (Transaction | null)[] = [];
  private head = 0;
  private buffered = 0;
  /** wire bytes of the changes waiting (queued and in the open transaction) */
  private bufferedBytes = 0;
  private txn: OpenTxn | null = null;
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;
  private closed = false;
  private paused = false;
  private acked: bigint;
  /** commit position of the last whole transaction handed to the queue */
  private pushedUpTo = 0n;
  private statusTimer: NodeJS.Timeout;
  private rowFilter: RowFilter;

  constructor(
    private client: pg.Client,
    private cfg: ConnectionConfig,
    private mappings: TableMapping[],
    private skipOrigins: Set<string>,
    private maxBuffered: number,
    start: bigint,
  ) {
    this.acked = start;
    const wanted = new Set(mappings.map((m) => tableKey(m.source)));
    const heartbeat = tableKey(HEARTBEAT);
    this.decoder = new PgoutputDecoder((schema, name) => {
      const k = tableKey({ schema, name });
      return k === heartbeat || !wanted.has(k) ? null : { schema, name };
    });
    this.rowFilter = new RowFilter(cfg, mappings);
    this.statusTimer = setInterval(() => this.sendStatus(false), STATUS_INTERVAL_MS);
    this.statusTimer.unref();
  }

  private get connection(): PgConnection {
    return (this.client as unknown as { connection: PgConnection }).connection;
  }

  attach(): void {
    this.connection.on('copyData', (msg: { chunk: Buffer }) => {
      try {
        this.onCopyData(msg.chunk);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    this.client.on('error', (e) => this.fail(e));
    this.client.on('end', () => {
      if (!this.closed) this.fail(new Error('Connection terminated: replication stream from the source ended'));
    });
  }

  fail(e: Error): void {
    if (this.closed) return;
    this.failure ??= e;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private onCopyData(buf: Buffer): void {
    if (buf[0] === 0x6b) {
      // Primary keepalive. When every transaction received so far is applied, nothing up to
      // the server's send position concerns us: confirm it, as a native subscriber does, so
      // the slot advances over WAL of other tables and a shutting-down server is not kept
      // waiting for a confirmation of its shutdown checkpoint.
      const sent = buf.readBigUInt64BE(1);
      const idle = !this.txn && this.head >= this.ready.length && this.acked >= this.pushedUpTo;
      if (idle && sent > this.acked) {
        this.acked = sent;
        this.sendStatus(false);
        return;
      }
      // answer at once when asked, or wal_sender_timeout ends the stream
      if (buf.readInt8(17)) this.sendStatus(false);
      return;
    }
    if (buf[0] !== 0x77) return;
    // XLogData: 'w', start LSN, end LSN, send time, then one pgoutput message
    const size = buf.length;
    const d = this.decoder.decode(buf, 25);
    const t = this.txn;
    if (d === null) {
      if (t) t.bytes += size;
      return;
    }
    if ('op' in d) {
      if (t) this.onChange(t, d, size);
      return;
    }
    switch (d.tag) {
      case 'begin':
        this.txn = { changes: [], bytes: size, skip: false, partsSent: 0 };
        return;
      case 'origin':
        if (t) {
          t.origin = d.name;
          if (this.skipOrigins.has(ANY_ORIGIN) || this.skipOrigins.has(d.name)) t.skip = true;
        }
        return;
      case 'commit':
        this.txn = null;
        if (!t) return;
        this.pushedUpTo = d.end;
        this.push({ position: d.position, commitTime: d.commitTime, origin: t.origin, changes: t.skip ? [] : t.changes, bytes: t.bytes + size });
        return;
    }
  }

  private onChange(t: OpenTxn, change: Change, size: number): void {
    t.bytes += size;
    if (t.skip) return;
    t.changes.push(change);
    this.buffered++;
    this.bufferedBytes += size;
    if (t.changes.length >= PART_CHANGES || t.bytes >= MAX_BUFFERED_BYTES / 2) {
      // hand over a part; the writer keeps parts of one transaction in one target transaction
      this.push({ position: '', commitTime: new Date(), origin: t.origin, changes: t.changes, bytes: t.bytes, partial: true });
      t.changes = [];
      t.bytes = 0;
      t.partsSent++;
    }
    if ((this.buffered > this.maxBuffered || this.bufferedBytes > MAX_BUFFERED_BYTES) && !this.paused) {
      this.paused = true;
      this.connection.stream.pause();
    }
  }

  private push(t: Transaction): void {
    this.ready.push(t);
    this.wake();
  }

  async read(maxChanges: number): Promise<Transaction[]> {
    while (this.head >= this.ready.length) {
      if (this.failure) throw this.failure;
      if (this.closed) return [];
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
    this.buffered -= n;
    for (const t of out) this.bufferedBytes -= t.bytes;
    if (this.bufferedBytes < 0) this.bufferedBytes = 0;
    // below half the limits, or nothing left to hand over (what waits is the open transaction,
    // which can only be handed over once more of it is read)
    const drained = this.head >= this.ready.length;
    if (this.paused && (drained || (this.buffered <= this.maxBuffered / 2 && this.bufferedBytes <= MAX_BUFFERED_BYTES / 2))) {
      this.paused = false;
      this.connection.stream.resume();
    }
    await this.rowFilter.apply(out);
    return out;
  }

  private sendStatus(reply: boolean): void {
    if (this.closed || this.failure) return;
    const buf = Buffer.alloc(34);
    buf[0] = 0x72;
    buf.writeBigUInt64BE(this.acked, 1);
    buf.writeBigUInt64BE(this.acked, 9);
    buf.writeBigUInt64BE(this.acked, 17);
    buf.writeBigUInt64BE(BigInt(Date.now()) * 1000n - PG_EPOCH_OFFSET_US, 25);
    buf.writeInt8(reply ? 1 : 0, 33);
    try {
      this.connection.sendCopyFromChunk(buf);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  async ack(position: string): Promise<void> {
    const p = lsnToBig(position);
    if (p > this.acked) {
      this.acked = p;
      this.sendStatus(false);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.sendStatus(false);
    this.closed = true;
    clearInterval(this.statusTimer);
    this.wake();
    await this.client.end().catch(() => undefined);
    await this.rowFilter.close();
  }
}

/** minimal view of pg's internal connection used for CopyBoth */
interface PgConnection {
  on(event: 'copyData', fn: (msg: { chunk: Buffer }) => void): void;
  sendCopyFromChunk(buf: Buffer): void;
  stream: { pause(): void; resume(): void };
}


/** a slot dropped or invalidated behind the task's back: its changes are gone for good */
function slotLost(e: Error, taskId: string): Error {
  const code = (e as { code?: string }).code;
  const slot = slotName(taskId);
  if (code === '42704' && /replication slot .* does not exist/.test(e.message)) {
    return new ChangesLostError(
      `The replication slot ${slot} no longer exists on the source (it was dropped outside DTS), so the changes made since it was dropped are lost. Synchronize the full data again: create a new task (or release this one and start over).`,
    );
  }
  if (/invalidated|has already been removed|can no longer get changes/i.test(e.message)) {
    return new ChangesLostError(
      `The replication slot ${slot} lost WAL the task still needed (${e.message}). Synchronize the full data again with a new task, and raise max_slot_wal_keep_size so a paused or slow task keeps its WAL.`,
    );
  }
  return e;
}

export const streamSource: StreamSource = {
  async prepare(cfg, { taskId, mappings }) {
    await ensureCaptureObjects(cfg, taskId, mappings);
    if (await slotExists(cfg, slotName(taskId))) return { created: false, position: null };
    return { created: true, position: await createSlot(cfg, taskId) };
  },

  async open(cfg, { taskId, mappings, from, skipOrigins, maxBufferedChanges }) {
    const client = await connect(cfg, { replication: true, applicationName: `dts-stream-${taskId}` });
    try {
      const version = Number((await client.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0].server_version_num);
      const start = from ? lsnToBig(from) : 0n;
      const stream = new PgChangeStream(client, cfg, mappings, new Set(skipOrigins), maxBufferedChanges, start);
      stream.attach();
      const opts = [`proto_version '1'`, `publication_names '${publicationName(taskId)}'`];
      // PostgreSQL 16+ drops transactions that carry any origin at the source (two-way, reverse)
      if (skipOrigins.length && version >= 160000) opts.push(`origin 'none'`);
      const sql = `START_REPLICATION SLOT ${q(slotName(taskId))} LOGICAL ${bigToLsn(start)} (${opts.join(', ')})`;
      client.query(sql).then(
        () => stream.fail(new Error('Connection terminated: the source ended replication')),
        (e: Error) => stream.fail(slotLost(e, taskId)),
      );
      return stream;
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
  },

  startHeartbeat(cfg, taskId, everyMs, onError) {
    let client: pg.Client | null = null;
    let stopped = false;
    let running: Promise<void> = Promise.resolve();
    const tick = async () => {
      try {
        client ??= await connect(cfg, { applicationName: `dts-heartbeat-${taskId}`, statementTimeoutMs: 10_000 });
        await beat(client, taskId);
      } catch (e) {
        await client?.end().catch(() => undefined);
        client = null;
        if (!stopped) onError(e);
      }
    };
    const timer = setInterval(() => {
      running = running.then(tick);
    }, everyMs);
    running = tick();
    return {
      async stop() {
        stopped = true;
        clearInterval(timer);
        await running;
        await client?.end().catch(() => undefined);
      },
    };
  },

  cleanup: (cfg, { taskId }) => dropCaptureObjects(cfg, taskId),
};
