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
import { beat, createSlot, dropCaptureObjects, ensureCaptureObjects, slotExists, sourceWhere, syncHeartbeatCapture } from './capture';
import { HelperObjectError } from './helper-objects';
import { RowFilter } from './row-filter';
import { HEARTBEAT, LEGACY_HEARTBEAT, publicationName, slotName } from './names';
import { bigToLsn, lsnToBig, PG_EPOCH_OFFSET_US } from './types';
import { PgoutputDecoder } from './pgoutput';
import { ANY_ORIGIN } from '../types';
import { ChangeBuffer } from '../shared/change-buffer';
import { ChangesLostError } from '../shared/errors';
import { heartbeatLoop } from '../shared/heartbeat';

/** changes per part of a very large transaction */
const PART_CHANGES = 20_000;
const STATUS_INTERVAL_MS = 5_000;

interface OpenTxn {
  changes: Change[];
  origin?: string;
  bytes: number;
  skip: boolean;
  partsSent: number;
}

class PgChangeStream implements ChangeStream {
  private decoder: PgoutputDecoder;
  /** transactions ready to hand over, and the backpressure on the socket (wire bytes) */
  private buffer: ChangeBuffer;
  private txn: OpenTxn | null = null;
  private acked: bigint;
  /** commit position of the last whole transaction handed to the queue */
  private pushedUpTo = 0n;
  private statusTimer: NodeJS.Timeout;
  private rowFilter: RowFilter;

  constructor(
    private client: pg.Client,
    private taskId: string,
    private cfg: ConnectionConfig,
    private mappings: TableMapping[],
    private skipOrigins: Set<string>,
    maxBuffered: number,
    start: bigint,
  ) {
    this.acked = start;
    this.buffer = new ChangeBuffer(maxBuffered, {
      pause: () => this.connection.stream.pause(),
      resume: () => this.connection.stream.resume(),
    });
    const wanted = new Set(mappings.map((m) => tableKey(m.source)));
    // the previous version's heartbeat table stays in the WAL read after an upgrade
    const heartbeats = new Set([tableKey(HEARTBEAT), tableKey(LEGACY_HEARTBEAT)]);
    this.decoder = new PgoutputDecoder((schema, name) => {
      const k = tableKey({ schema, name });
      return heartbeats.has(k) || !wanted.has(k) ? null : { schema, name };
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
      if (!this.buffer.closed) this.fail(new Error('Connection terminated: replication stream from the source ended'));
    });
  }

  fail(e: Error): void {
    this.buffer.fail(e);
  }

  private onCopyData(buf: Buffer): void {
    if (buf[0] === 0x6b) {
      // Primary keepalive. When every transaction received so far is applied, nothing up to
      // the server's send position concerns us: confirm it, as a native subscriber does, so
      // the slot advances over WAL of other tables and a shutting-down server is not kept
      // waiting for a confirmation of its shutdown checkpoint.
      const sent = buf.readBigUInt64BE(1);
      const idle = !this.txn && this.buffer.drained && this.acked >= this.pushedUpTo;
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
        this.buffer.push({ position: d.position, commitTime: d.commitTime, origin: t.origin, changes: t.skip ? [] : t.changes, bytes: t.bytes + size });
        return;
    }
  }

  private onChange(t: OpenTxn, change: Change, size: number): void {
    t.bytes += size;
    if (t.skip) return;
    t.changes.push(change);
    if (t.changes.length >= PART_CHANGES || t.bytes >= this.buffer.maxBytes / 2) {
      // hand over a part; the writer keeps parts of one transaction in one target transaction
      this.buffer.push({ position: '', commitTime: new Date(), origin: t.origin, changes: t.changes, bytes: t.bytes, partial: true });
      t.changes = [];
      t.bytes = 0;
      t.partsSent++;
    }
    this.buffer.hold(1, size);
  }

  async read(maxChanges: number): Promise<Transaction[]> {
    const out = await this.buffer.read(maxChanges);
    await this.rowFilter.apply(out);
    return out;
  }

  private sendStatus(reply: boolean): void {
    if (this.buffer.closed || this.buffer.failure) return;
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
    if (this.buffer.closed) return;
    if (openStreams.get(this.taskId) === this) openStreams.delete(this.taskId);
    this.sendStatus(false);
    this.buffer.close();
    clearInterval(this.statusTimer);
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


/** the open stream of each task, so a heartbeat refused by its guard stops the task */
const openStreams = new Map<string, PgChangeStream>();

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
    // the heartbeat table is checked before use, and a task of the previous version moves over
    await syncHeartbeatCapture(cfg, taskId);
    const client = await connect(cfg, { replication: true, applicationName: `dts-stream-${taskId}` });
    try {
      const version = Number((await client.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0].server_version_num);
      const start = from ? lsnToBig(from) : 0n;
      const stream = new PgChangeStream(client, taskId, cfg, mappings, new Set(skipOrigins), maxBufferedChanges, start);
      stream.attach();
      openStreams.set(taskId, stream);
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
    return heartbeatLoop<pg.Client>(
      everyMs,
      {
        open: () => connect(cfg, { applicationName: `dts-heartbeat-${taskId}`, statementTimeoutMs: 10_000 }),
        async beat(client) {
          try {
            await beat(client, sourceWhere(cfg), taskId);
            return true;
          } catch (e) {
            if (!(e instanceof HelperObjectError)) throw e;
            // the heartbeat table failed its check: no more beats, and the task stops with the cause
            openStreams.get(taskId)?.fail(e);
            return false;
          }
        },
        close: (client) => client.end().catch(() => undefined),
      },
      onError,
    );
  },

  cleanup: (cfg, { taskId }) => dropCaptureObjects(cfg, taskId),
};
