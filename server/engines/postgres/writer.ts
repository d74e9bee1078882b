// The PostgreSQL target: bulk COPY for the full load, and set-based apply of batches of
// source transactions for incremental sync. Progress commits with the data: each target
// transaction records the source position through the task's replication origin (or, for an
// account that may not use origins, a checkpoint table row in the same transaction).
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import type { ApplyResult, BulkStream, ConflictHandling, ConnectionConfig, Row, TableMapping, Transaction, Writer, WriterTarget } from '../types';
import { tableKey } from '../types';
import { Coalescer, changesKey, completeFromBefore, definedColumns, type NetRow } from '../shared/coalesce';
import { ConflictFailure } from '../shared/conflict';
import { DetectingApply } from './apply-detect';
import { connect, lit, q, qualify, withClient } from './connect';
import { lsnToBig } from './types';
import {
  deleteOneSql, deleteSql, deleteThenInsert, identityKeyMove, moveRowSql, movesIdentityKey, updateOneSql, updateSql, upsertSql, type Stmt, type TargetTable,
} from './apply-sql';
import { CHECKPOINT } from './names';
import { carryCheckpoint, CHECKPOINT_TABLE, describeDatabase, ensureHelpers, guardStatements, isGuardFailure, refusal, releaseHelper, HelperObjectError, LEGACY_CHECKPOINT_TABLE } from './helper-objects';

/** rows per statement; each column is one parameter, so this bounds statement size only */
const ROWS_PER_STMT = 5_000;
/** changes per flush of the one-way apply: the next run is coalesced while the server applies this one */
const FLUSH_CHANGES = 5_000;
/** the first run of a batch is smaller, so the server starts on it sooner */
const FIRST_FLUSH_CHANGES = 1_000;
/** flushes sent and not yet confirmed, at most */
const MAX_IN_FLIGHT = 2;
/** constraint errors where the exact source order of the run always works */
const REPLAYABLE = new Set(['23505', '23P01', '23503']);

/** while runs are in flight, the apply loop lets I/O in this often (changes) */
const YIELD_EVERY = 1_024;
/** a turn of the event loop: the connection reads an answer and sends the next queued statement */
const letIoIn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** a run of net row changes sent to the server, not yet known to have succeeded */
interface InFlight {
  co: Coalescer;
  /** settles when every statement of the run has answered: the first error, or null */
  done: Promise<Error | null>;
}

async function replicaRole(c: pg.Client): Promise<boolean> {
  try {
    await c.query('SET session_replication_role = replica');
    return true;
  } catch {
    return false; // not permitted: triggers and foreign keys stay active (the seed's caveat)
  }
}

class PgWriter implements Writer {
  private tables = new Map<string, TargetTable>();
  private inTxn = false;
  private loaders: pg.Client[] = [];
  /** the position of the last successful commit, to repair origin progress after a failed one */
  committed: string | null = null;
  /** source changes applied in the open target transaction, counted when it commits */
  private pending = 0;
  /** one-way runs sent in order on the connection, oldest first (see flushAsync) */
  private inFlight: InFlight[] = [];
  /** the last statement queued by send(): the next goes out when it has answered */
  private queued: Promise<unknown> = Promise.resolve();

  constructor(
    private client: pg.Client,
    private cfg: ConnectionConfig,
    private taskId: string,
    private origin: string,
    private useOrigin: boolean,
    private replica: boolean,
    /** the checkpoint table counts the changes applied (it could be created) */
    private counting: boolean,
  ) {}

  async checkpoint(): Promise<string | null> {
    // The checkpoint table's row commits with the data, so it is the truth when the table
    // exists. Origin progress is not always: PostgreSQL 18 advances it when a client dies
    // between xact_setup and COMMIT, and the transaction is rolled back.
    if (this.counting || !this.useOrigin) {
      const r = await this.client.query<{ lsn: string }>(`SELECT lsn FROM ${qualify(CHECKPOINT)} WHERE task_id = $1`, [this.taskId]);
      return r.rows[0]?.lsn ?? null;
    }
    const r = await this.client.query<{ p: string | null }>('SELECT pg_replication_origin_progress($1, true)::text AS p', [this.origin]);
    const p = r.rows[0]?.p;
    return p && p !== '0/0' ? p : null;
  }

  // ------------------------------------------------------------------ full load

  async prepareTable(m: TableMapping, firstMode: 'empty' | 'merge' | null): Promise<'empty' | 'merge'> {
    const r = await this.client.query(`SELECT 1 FROM ${qualify(m.target)} LIMIT 1`);
    if (!r.rowCount) return 'empty';
    if (firstMode !== 'empty') return 'merge';
    // every row is from our interrupted load: start the table over
    await this.client.query(`TRUNCATE ${qualify(m.target)}`);
    return 'empty';
  }

  private async loader(): Promise<pg.Client> {
    const c = this.loaders.pop() ?? (await connect(this.cfg, { applicationName: 'dts-load' }));
    if (this.replica) await replicaRole(c);
    return c;
  }

  async load(m: TableMapping, data: BulkStream, mode: 'empty' | 'merge', onProgress?: (bytes: number) => void) {
    if (data.format === 'rows') throw new Error('the PostgreSQL writer loads COPY streams; row batches arrive only from other engines');
    const c = await this.loader();
    const fmt = data.format === 'pg-copy-binary' ? ' (FORMAT binary)' : '';
    const cols = m.columns.map((x) => q(x.target)).join(', ');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        onProgress?.(chunk.length);
        cb(null, chunk);
      },
    });
    let ok = false;
    try {
      let rows: number;
      if (mode === 'empty') {
        const sink = c.query(copyFrom(`COPY ${qualify(m.target)} (${cols}) FROM STDIN${fmt}`));
        await pipeline(data.stream, counter, sink);
        rows = sink.rowCount;
      } else {
        // keep rows the target already has (same key): stage, then insert what is missing
        await c.query('BEGIN');
        const stage = q(`dts_stage_${process.pid}_${Date.now()}`);
        await c.query(`CREATE TEMP TABLE ${stage} ON COMMIT DROP AS SELECT ${cols} FROM ${qualify(m.target)} WITH NO DATA`);
        const sink = c.query(copyFrom(`COPY ${stage} (${cols}) FROM STDIN${fmt}`));
        await pipeline(data.stream, counter, sink);
        const t = await this.table(m);
        const keys = m.keyColumns.map((k) => q(m.columns.find((x) => x.source === k)?.target ?? k)).join(', ');
        // without a unique key on the destination, rows cannot be matched: they are all added
        const onConflict = t.keyUnique ? ` ON CONFLICT (${keys}) DO NOTHING` : '';
        const override = t.alwaysIdentity.size ? ' OVERRIDING SYSTEM VALUE' : '';
        const ins = await c.query(`INSERT INTO ${qualify(m.target)} (${cols})${override} SELECT ${cols} FROM ${stage}${onConflict}`);
        await c.query('COMMIT');
        rows = ins.rowCount ?? 0;
      }
      ok = true;
      return { rows, bytes };
    } finally {
      if (ok) this.loaders.push(c);
      else await c.end().catch(() => undefined);
    }
  }

  // ------------------------------------------------------------------ incremental

  private async table(m: TableMapping): Promise<TargetTable> {
    const k = tableKey(m.target);
    const hit = this.tables.get(k);
    if (hit) return hit;
    const reg = lit(qualify(m.target));
    // this connection reads every value as text, booleans too: compare the identity code here
    const cols = await this.client.query<{ name: string; type: string; identity: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attidentity::text AS identity FROM pg_attribute
        WHERE attrelid = ${reg}::regclass AND attnum > 0 AND NOT attisdropped`,
    );
    if (!cols.rowCount) throw new Error(`table ${m.target.schema}.${m.target.name} does not exist on the destination`);
    const keyTargets = m.keyColumns.map((s) => m.columns.find((c) => c.source === s)?.target ?? s).sort();
    const idx = await this.client.query<{ cols: string[] }>(
      `SELECT array_agg(a.attname::text ORDER BY a.attname) AS cols FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = ${reg}::regclass AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
        GROUP BY i.indexrelid`,
    );
    const keyUnique = idx.rows.some((r) => r.cols.length === keyTargets.length && r.cols.every((c, i) => c === keyTargets[i]));
    const t: TargetTable = {
      types: new Map(cols.rows.map((r) => [r.name, r.type])),
      keyUnique,
      uniques: idx.rows.map((r) => r.cols),
      alwaysIdentity: new Set(cols.rows.filter((r) => r.identity === 'a').map((r) => r.name)),
    };
    this.tables.set(k, t);
    return t;
  }

  private async run(s: Stmt): Promise<pg.QueryResult> {
    return this.client.query(s.text, s.values);
  }

  /**
   * Queues a statement behind the ones queued before it, without waiting: each goes out as
   * soon as the one before has answered, whatever this process is doing meanwhile.
   */
  private send(st: Stmt | string): Promise<pg.QueryResult> {
    const p = this.queued.then(() => (typeof st === 'string' ? this.client.query(st) : this.run(st)));
    this.queued = p.catch(() => undefined);
    return p;
  }

  async apply(txns: Transaction[], opts: { mappings: Map<string, TableMapping>; conflicts: ConflictHandling | null }): Promise<ApplyResult> {
    let rows = 0;
    let bytes = 0;
    let last: Transaction | null = null;
    if (!this.inTxn) {
      await this.client.query('BEGIN');
      this.inTxn = true;
    }
    const handling = opts.conflicts;
    const detector = handling ? new DetectingApply({ run: (st) => this.run(st), query: (text) => this.client.query(text), table: (m) => this.table(m), replica: this.replica }, handling) : null;
    const replayUntil = handling?.replayUntil ? lsnToBig(handling.replayUntil) : null;
    try {
      let co = new Coalescer(opts.mappings);
      /** ends the current run: sends it (one-way: without waiting); with `wait`, until all answered */
      const endRun = async (active: DetectingApply | null, wait: boolean) => {
        if (co.size) {
          const run = co;
          co = new Coalescer(opts.mappings);
          if (active) {
            await this.drain();
            await this.flush(run, active);
          } else {
            await this.flushAsync(run);
          }
        }
        if (wait) await this.drain();
      };
      // conflicts are detected except in changes that replay over a newer snapshot
      let detecting = false;
      for (const t of txns) {
        const detect = !!detector && (replayUntil === null || lsnToBig(t.position) > replayUntil);
        if (detect !== detecting) {
          await endRun(detecting ? detector : null, true);
          detecting = detect;
        }
        const active = detecting ? detector : null;
        bytes += t.bytes;
        for (const c of t.changes) {
          // Coalescing is synchronous work: without a turn of the event loop now and then the
          // server would finish a statement and wait for this loop to end before the next one
          // (already queued) is sent.
          if (++rows % YIELD_EVERY === 0 && this.inFlight.length) await letIoIn();
          completeFromBefore(c);
          if (c.op !== 'truncate' && c.op !== 'ddl') {
            const m = opts.mappings.get(tableKey(c.table));
            if (m && !(await this.table(m)).keyUnique) {
              // no unique key: rows cannot be merged by key; apply this change alone, in order
              await endRun(active, true);
              await this.applyKeyless(m, c);
              continue;
            }
          }
          if (co.add(c, t)) {
            const limit = active ? ROWS_PER_STMT * 4 : this.inFlight.length ? FLUSH_CHANGES : FIRST_FLUSH_CHANGES;
            if (co.size >= limit) await endRun(active, false);
            continue;
          }
          await endRun(active, true);
          const m = c.op === 'update' ? opts.mappings.get(tableKey(c.table)) : undefined;
          if (active && m && c.op === 'update' && changesKey(c, m.keyColumns)) await active.single(m, c, t);
          else await this.applyBarrier(c, opts.mappings);
        }
        if (!t.partial) last = t;
      }
      await endRun(detecting ? detector : null, true);
      if (detector?.found.length) await handling?.record(detector.found.splice(0));
      const tail = txns[txns.length - 1];
      this.pending += rows;
      if (tail?.partial) return { position: null, rows, bytes }; // the source transaction continues
      if (last) await this.commit(last, rows > 0);
      return { position: last?.position ?? null, rows, bytes };
    } catch (e) {
      // a conflict under TaskFailed is recorded although nothing of this apply commits
      if (e instanceof ConflictFailure && detector?.found.length) await handling?.record(detector.found.splice(0)).catch(() => undefined);
      await this.rollback();
      throw e;
    }
  }

  private async commit(last: Transaction, wrote: boolean): Promise<void> {
    // every statement of the transaction has answered without error before COMMIT is sent
    await this.drain();
    const counts = this.counting || !this.useOrigin;
    // One message: origin progress, checkpoint row and COMMIT reach the server together, so a
    // client that dies in between cannot leave progress set on a transaction that never commits.
    const parts: string[] = [];
    if (this.useOrigin) {
      // progress is recorded in the commit record, and a transaction that wrote nothing (a
      // batch of heartbeats or filtered changes) has none unless it is given a transaction id
      const xid = wrote || counts ? '' : ', txid_current()';
      parts.push(`SELECT pg_replication_origin_xact_setup(${lit(last.position)}::pg_lsn, ${lit(last.commitTime.toISOString())}::timestamptz)${xid}`);
    }
    if (counts) {
      // the position, and the exact count of source changes applied, commit with the data,
      // behind the guard of the table: a trigger or policy added since the writer opened never runs
      parts.push(...guardStatements([CHECKPOINT_TABLE]));
      parts.push(
        `INSERT INTO ${qualify(CHECKPOINT)} AS c (task_id, lsn, changes, updated_at) VALUES (${lit(this.taskId)}, ${lit(last.position)}, ${this.pending}, now())
         ON CONFLICT (task_id) DO UPDATE SET lsn = EXCLUDED.lsn, changes = c.changes + EXCLUDED.changes, updated_at = now()`,
      );
    }
    parts.push('COMMIT');
    this.pending = 0;
    try {
      await this.client.query(parts.join(';\n'));
      this.inTxn = false;
      this.committed = last.position;
    } catch (e) {
      this.inTxn = false;
      // a statement before COMMIT failed: the transaction is still open, aborted
      await this.client.query('ROLLBACK').catch(() => undefined);
      // PostgreSQL 18 advances origin progress even when COMMIT fails: put it back
      if (this.useOrigin) await this.repairOrigin(this.committed);
      if (isGuardFailure(e)) throw await refusal(this.client, targetWhere(this.cfg), [CHECKPOINT_TABLE]);
      throw e;
    }
  }

  private async repairOrigin(good: string | null): Promise<void> {
    await this.client.query('SELECT pg_replication_origin_session_reset()').catch(() => undefined);
    await this.client.query('SELECT pg_replication_origin_advance($1, $2::pg_lsn)', [this.origin, good ?? '0/0']).catch(() => undefined);
    await this.client.query('SELECT pg_replication_origin_session_setup($1)', [this.origin]).catch(() => undefined);
  }

  private async rollback(): Promise<void> {
    this.pending = 0;
    // every statement sent has answered before the ROLLBACK goes out (it is queued after them)
    await Promise.all(this.inFlight.splice(0).map((f) => f.done));
    if (!this.inTxn) return;
    this.inTxn = false;
    // PostgreSQL 18 trap: a rolled-back transaction that called xact_setup still advances progress
    if (this.useOrigin) await this.client.query('SELECT pg_replication_origin_xact_reset()').catch(() => undefined);
    await this.client.query('ROLLBACK').catch(() => undefined);
  }

  /** truncate, or an update that moves a row to another key: applied alone, in order */
  private async applyBarrier(c: Transaction['changes'][number], mappings: Map<string, TableMapping>): Promise<void> {
    if (c.op === 'truncate') {
      const targets = c.tables.map((t) => mappings.get(tableKey(t))).filter((m): m is TableMapping => !!m && m.ops.includes('delete'));
      if (targets.length) await this.client.query(`TRUNCATE ${targets.map((m) => qualify(m.target)).join(', ')}`);
      return;
    }
    if (c.op !== 'update') return;
    const m = mappings.get(tableKey(c.table));
    if (!m || !c.before) return;
    const t = await this.table(m);
    const cols = definedColumns(c.after, m);
    if (cols.length === m.columns.length && t.keyUnique && this.replica) {
      // a complete image: the row leaves its old key and the new key gets exactly this image,
      // whatever the destination holds there (a replay after a restarted full load may find
      // a newer row at either key; later changes bring the rest). Only with
      // session_replication_role = replica, where a DELETE cascades to nothing.
      await this.run(deleteSql(m, t, [c.before]));
      await this.run(upsertSql(m, t, [c.after], cols, 'update'));
      return;
    }
    if (movesIdentityKey(m, t)) {
      // UPDATE cannot set a GENERATED ALWAYS identity key: the row moves by DELETE and INSERT,
      // which must not cascade to the rows that reference it
      if (!this.replica) throw identityKeyMove(m, t);
      const r = await this.run(moveRowSql(m, t, c.before, c.after));
      if (!r.rowCount && cols.length === m.columns.length) await this.upsert(m, t, [c.after], cols);
      return;
    }
    // unchanged TOAST values: the destination row keeps them, so it must be moved by UPDATE
    await this.client.query('SAVEPOINT dts_key');
    try {
      const r = await this.run(updateSql(m, t, [c.after], cols, [c.before]));
      if (!r.rowCount && cols.length === m.columns.length) await this.upsert(m, t, [c.after], cols);
      await this.client.query('RELEASE SAVEPOINT dts_key');
    } catch (e) {
      if ((e as { code?: string }).code !== '23505') throw e;
      // The new key is taken on the destination: a replay after a restarted full load, where the
      // newer snapshot already has this row at its new key (with the TOASTed values this image
      // lacks) and maybe a later row at the old key, whose INSERT is replayed after this. So:
      // the row at the new key takes the changed columns, and the old key is cleared.
      await this.client.query('ROLLBACK TO SAVEPOINT dts_key');
      await this.run(updateSql(m, t, [c.after], cols));
      await this.run(deleteSql(m, t, [c.before]));
      await this.client.query('RELEASE SAVEPOINT dts_key');
    }
  }

  /** a table identified by all its columns (REPLICA IDENTITY FULL, no unique key) */
  private async applyKeyless(m: TableMapping, c: Transaction['changes'][number]): Promise<void> {
    const t = await this.table(m);
    if (c.op === 'insert') await this.run(upsertSql(m, t, [c.after], definedColumns(c.after, m), 'nothing'));
    else if (c.op === 'delete') await this.run(deleteOneSql(m, t, c.before));
    else if (c.op === 'update' && c.before) await this.run(updateOneSql(m, t, c.before, c.after, definedColumns(c.after, m)));
  }

  private async upsert(m: TableMapping, t: TargetTable, rows: Row[], cols: string[]): Promise<void> {
    if (t.keyUnique) await this.run(upsertSql(m, t, rows, cols, 'update'));
    else for (const s of deleteThenInsert(m, t, rows, cols)) await this.run(s);
  }

  /** applies the net effect of the run; on a constraint error, replays it change by change */
  private async flush(co: Coalescer, detector: DetectingApply | null): Promise<void> {
    if (!co.size) return;
    if (detector) {
      await detector.flush(co);
      return;
    }
    for (const run of co.runs.values()) await this.table(run.mapping);
    await this.client.query('SAVEPOINT dts_run');
    const e = await this.sendAll(this.netStatements(co));
    if (e) {
      if (!REPLAYABLE.has((e as { code?: string }).code ?? '')) throw e;
      await this.client.query('ROLLBACK TO SAVEPOINT dts_run');
      await this.replayInOrder(co);
    }
    await this.client.query('RELEASE SAVEPOINT dts_run');
  }

  /**
   * Sends the statements back to back; settles when every one has answered, with the first
   * error (the statements after a failed one fail with "current transaction is aborted").
   */
  private sendAll(stmts: (Stmt | string)[]): Promise<Error | null> {
    return Promise.allSettled(stmts.map((st) => this.send(st))).then((results) => {
      const failed = results.find((r) => r.status === 'rejected');
      if (!failed) return null;
      const e: unknown = failed.reason;
      return e instanceof Error ? e : new Error(String(e));
    });
  }

  /**
   * Sends a one-way run without waiting for it: its statements (between a savepoint and its
   * release) queue on the connection behind the runs before it, so the server applies one run
   * while the next is coalesced and built here. Nothing commits before drain() has seen every
   * run answer.
   */
  private async flushAsync(co: Coalescer): Promise<void> {
    // table descriptions first: the statements are then built and sent in one go
    for (const run of co.runs.values()) await this.table(run.mapping);
    if (this.inFlight.length >= MAX_IN_FLIGHT) {
      const oldest = this.inFlight[0];
      if ((await oldest.done) !== null) return this.recover(co);
      this.inFlight.shift();
    }
    const done = this.sendAll(['SAVEPOINT dts_run', ...this.netStatements(co), 'RELEASE SAVEPOINT dts_run']);
    this.inFlight.push({ co, done });
  }

  /** waits until every run sent has answered; a run that hit a constraint is replayed in order */
  private async drain(): Promise<void> {
    while (this.inFlight.length) {
      const err = await this.inFlight[0].done;
      if (err) return this.recover(null);
      this.inFlight.shift();
    }
  }

  /**
   * The oldest run in flight failed, and the runs after it failed with it. Back to its
   * savepoint (the runs before it were applied), then this run and the rest again, one at a
   * time: the failed one in exact source order if it hit a constraint.
   */
  private async recover(next: Coalescer | null): Promise<void> {
    const runs = this.inFlight.splice(0);
    const errors = await Promise.all(runs.map((r) => r.done));
    const first = errors[0];
    if (!first) throw new Error('recover() without a failed run');
    if (!REPLAYABLE.has((first as { code?: string }).code ?? '')) throw first;
    await this.client.query('ROLLBACK TO SAVEPOINT dts_run');
    await this.client.query('RELEASE SAVEPOINT dts_run');
    for (const r of runs) await this.flush(r.co, null);
    if (next) await this.flush(next, null);
  }

  /** the statements applying the run's net effect (tables already described) */
  private netStatements(co: Coalescer): Stmt[] {
    const out: Stmt[] = [];
    for (const run of co.runs.values()) out.push(...this.netFor(run.mapping, [...run.rows.values()]));
    return out;
  }

  private async replayInOrder(co: Coalescer): Promise<void> {
    const mappings = new Map([...co.runs.values()].map((r) => [tableKey(r.mapping.source), r.mapping]));
    for (const c of co.changes) {
      if (c.op !== 'insert' && c.op !== 'update' && c.op !== 'delete') continue;
      const m = mappings.get(tableKey(c.table));
      if (!m) continue;
      const net: NetRow =
        c.op === 'insert' ? { kind: 'upsert', row: c.after, seq: 0 } : c.op === 'update' ? { kind: 'update', row: c.after, seq: 0 } : { kind: 'delete', row: c.before, seq: 0 };
      await this.applyNet(m, [net]);
    }
  }

  private async applyNet(m: TableMapping, net: NetRow[]): Promise<void> {
    await this.table(m);
    for (const st of this.netFor(m, net)) await this.run(st);
  }

  /**
   * Statements for net row changes of one table with a unique key: deletes, then updates of
   * partial images (unchanged TOAST values are left out, so the row keeps them), then upserts.
   * A complete update image is an upsert: a row the destination lacks is inserted (DTS rule).
   */
  private netFor(m: TableMapping, net: NetRow[]): Stmt[] {
    const t = this.tables.get(tableKey(m.target));
    if (!t) throw new Error(`table ${m.target.schema}.${m.target.name} was not described`);
    const out: Stmt[] = [];
    net.sort((a, b) => a.seq - b.seq);
    const deletes = net.filter((n) => n.kind === 'delete').map((n) => n.row);
    for (let i = 0; i < deletes.length; i += ROWS_PER_STMT) out.push(deleteSql(m, t, deletes.slice(i, i + ROWS_PER_STMT)));
    const complete = m.columns.length;
    for (const partial of [true, false]) {
      // rows carrying the same columns go together
      const groups = new Map<string, { cols: string[]; rows: Row[] }>();
      for (const n of net) {
        if (n.kind === 'delete') continue;
        const cols = definedColumns(n.row, m);
        if (partial !== (n.kind === 'update' && cols.length < complete)) continue;
        const sig = cols.join('\u0000');
        const g = groups.get(sig) ?? { cols, rows: [] };
        g.rows.push(n.row);
        groups.set(sig, g);
      }
      for (const g of groups.values()) {
        for (let i = 0; i < g.rows.length; i += ROWS_PER_STMT) {
          const part = g.rows.slice(i, i + ROWS_PER_STMT);
          if (partial) out.push(updateSql(m, t, part, g.cols));
          else if (t.keyUnique) out.push(upsertSql(m, t, part, g.cols, 'update'));
          else out.push(...deleteThenInsert(m, t, part, g.cols));
        }
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.rollback();
    await Promise.all([this.client, ...this.loaders].map((c) => c.end().catch(() => undefined)));
    this.loaders = [];
  }
}

const targetWhere = (cfg: ConnectionConfig): string => describeDatabase('destination', cfg);

/**
 * The checkpoint table dts.dts_sync_checkpoint, checked (helper-objects.ts) and created, with
 * the task's row carried over from the previous version's public table. False when the account
 * may not create the schema and does without the table (it has replication origins).
 */
async function prepareCheckpoint(c: pg.Client, cfg: ConnectionConfig, taskId: string, useOrigin: boolean, progressed: boolean): Promise<boolean> {
  const where = targetWhere(cfg);
  try {
    await ensureHelpers(c, where, [CHECKPOINT_TABLE]);
  } catch (e) {
    if (useOrigin && (e as { code?: string }).code === '42501') return false;
    throw e;
  }
  // a task that applied changes before (its origin has progress), or one without an origin, may
  // have its row in the legacy table
  await carryCheckpoint(c, where, taskId, progressed || !useOrigin);
  return true;
}

/** sets up the task's replication origin; null when the account may not use origins */
async function setupOrigin(c: pg.Client, origin: string): Promise<{ progressed: boolean } | null> {
  try {
    await c.query('SELECT pg_replication_origin_create($1) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_origin WHERE roname = $1)', [origin]);
    await c.query('SELECT pg_replication_origin_session_setup($1)', [origin]);
    // the task has applied changes under its origin before (the full load does not use it)
    const p = (await c.query<{ p: string | null }>('SELECT pg_replication_origin_progress($1, true)::text AS p', [origin])).rows[0]?.p;
    return { progressed: !!p && p !== '0/0' };
  } catch (e) {
    if ((e as { code?: string }).code === '42501') return null; // no privilege: checkpoint table
    throw e;
  }
}

export const writerTarget: WriterTarget = {
  bulkFormats: ['pg-copy-binary', 'pg-copy-text'],

  async openWriter(cfg, { taskId, originName, replicaRole: wantReplica }) {
    const c = await connect(cfg, { applicationName: `dts-apply-${taskId}` });
    try {
      const replica = wantReplica ? await replicaRole(c) : false;
      const origin = await setupOrigin(c, originName);
      const useOrigin = origin !== null;
      // with origins, the table only counts changes: an account that may not create it does without
      const counting = await prepareCheckpoint(c, cfg, taskId, useOrigin, origin?.progressed ?? false);
      const w = new PgWriter(c, cfg, taskId, originName, useOrigin, replica, counting);
      w.committed = await w.checkpoint();
      return w;
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
  },

  async cleanup(cfg, { taskId, originName }) {
    return withClient(cfg, async (c) => {
      const dropped: string[] = [];
      const o = await c.query('SELECT 1 FROM pg_replication_origin WHERE roname = $1', [originName]);
      if (o.rowCount) {
        await c.query('SELECT pg_replication_origin_drop($1)', [originName]);
        dropped.push(`replication origin ${originName}`);
      }
      // the checkpoint table (checked first: one that fails is left alone, and release says so),
      // then the schema dts once empty, and the previous version's table
      const where = targetWhere(cfg);
      const released = await releaseHelper(c, where, CHECKPOINT_TABLE, 'task_id', taskId);
      dropped.push(...released.dropped);
      dropped.push(...(await releaseHelper(c, where, LEGACY_CHECKPOINT_TABLE, 'task_id', taskId)).dropped);
      if (released.problems.length) throw new HelperObjectError(released.problems, where);
      return dropped;
    });
  },
};
