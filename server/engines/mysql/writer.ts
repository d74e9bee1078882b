// The MySQL target: LOAD DATA LOCAL INFILE (or, where the server refuses it, multi-row INSERTs)
// for the full load, and set-based apply of batches of
// source transactions for incremental sync. Progress commits with the data: each target
// transaction writes the task's row of dts.dts_checkpoint before COMMIT, and starts with the
// dts.dts_marker row of the task's origin, so a binlog reader of the opposite direction knows the
// transaction came from DTS.
//
// Foreign keys: every session writes with foreign_key_checks = 0, and the cascades InnoDB did on
// the source (which the binlog does not carry) are applied as explicit statements by
// cascades.ts, in their place in the stream; that file's header explains the choice and the
// ordering rules the apply loop below keeps.
//
// Triggers: MySQL has no session_replication_role, so a destination trigger fires on the rows
// DTS writes. Every session the writer writes with (the incremental connection and each bulk
// loader) sets the user variable @dts_apply to the task's id; a trigger guarded with
// `IF @dts_apply IS NULL THEN … END IF` leaves those rows alone. The precheck item
// `target.triggers` names the destination triggers without that guard, with the fix.
import type { ResultSetHeader } from 'mysql2';
import type { ApplyResult, BulkStream, ConnectionConfig, Row, TableMapping, Transaction, Writer, WriterTarget } from '../types';
import { tableKey } from '../types';
import { Coalescer, completeFromBefore, definedColumns } from '../shared/coalesce';
import { ConflictFailure } from '../shared/conflict';
import { DetectingApply, type DetectClient, type TargetRow } from './apply-detect';
import { deleteOneSql, deleteSql, describeTable, infileRows, insertHead, insertRows, serverLimits, STMT_BYTES, tuple as tupleOf, updateOneSql, upsertTail, type TargetTable } from './apply-sql';
import { connect, lit, qualify, rows as selectRows, withConnection, type MyConnection } from './connect';
import { CHECKPOINT, DTS_DATABASE, MARKER } from './names';
import { CHECKPOINT_TABLE, describeServer, ensureMyHelpers, guardMyHelpers, MARKER_TABLE, MyHelperObjectError, releaseMyHelpers } from './helper-objects';
import { comparePos } from './types';
import { readCascades, type CascadeClient, type CascadeGraph, type RowChange } from './cascades';

/** changes per coalesced run of the one-way apply */
const FLUSH_CHANGES = 5_000;
/** errors where applying the run in exact source order works (a unique value moving between rows) */
const REPLAYABLE = new Set([1062, 1048, 1451, 1452]);
const ER_BAD_NULL_ERROR = 1048;

/** the user variable a destination trigger checks to leave the rows DTS writes alone */
export const APPLY_VARIABLE = '@dts_apply';

/** the session settings of every connection the writer writes with */
function applySession(taskId: string, replica: boolean): string {
  return `SET ${replica ? 'SESSION foreign_key_checks = 0, ' : ''}${APPLY_VARIABLE} = ${lit(taskId)}`;
}

type Exec = (sql: string) => Promise<ResultSetHeader>;

function errno(e: unknown): number | undefined {
  return (e as { errno?: number }).errno;
}

class MyWriter implements Writer {
  private tables = new Map<string, Promise<TargetTable>>();
  private loaders: MyConnection[] = [];
  private inTxn = false;
  /** source changes applied in the open target transaction, counted when it commits */
  private pending = 0;
  private budget = STMT_BYTES;
  /** bulk loads by LOAD DATA LOCAL INFILE (about 1.7x the rows/s of multi-row INSERT) */
  private infile = false;
  private exec: Exec = async (sql) => (await this.client.query(sql))[0] as ResultSetHeader;
  private detectClient: DetectClient & CascadeClient = {
    exec: async (sql) => (await this.exec(sql)).affectedRows,
    select: (sql) => selectRows<TargetRow>(this.client, sql),
    table: (m) => this.table(m),
  };
  /** the destination's cascading foreign keys between the mapped tables, read at the first apply */
  private cascadeGraph: { mappings: Map<string, TableMapping>; graph: Promise<CascadeGraph> } | null = null;
  /** the graph of the apply in progress, null when nothing cascades */
  private graph: CascadeGraph | null = null;
  /** cascading changes of the current run, applied when it is flushed */
  private pendingCascades: { m: TableMapping; c: RowChange }[] = [];
  /** source tables those cascades write: a change of one flushes the run first */
  private cascadeTargets = new Set<string>();

  constructor(
    private client: MyConnection,
    private cfg: ConnectionConfig,
    private taskId: string,
    private origin: string,
    private replica: boolean,
  ) {}

  async init(): Promise<void> {
    ({ budget: this.budget, infile: this.infile } = await serverLimits(this.client));
  }

  async checkpoint(): Promise<string | null> {
    const r = await selectRows<{ position: string }>(this.client, `SELECT position FROM ${qualify(CHECKPOINT)} WHERE task_id = ?`, [this.taskId]);
    return r[0]?.position ?? null;
  }

  private table(m: TableMapping): Promise<TargetTable> {
    const k = tableKey(m.target);
    let t = this.tables.get(k);
    if (!t) {
      t = describeTable(this.client, m);
      t.catch(() => this.tables.delete(k));
      this.tables.set(k, t);
    }
    return t;
  }

  // ------------------------------------------------------------------ full load

  async prepareTable(m: TableMapping, firstMode: 'empty' | 'merge' | null): Promise<'empty' | 'merge'> {
    const r = await selectRows(this.client, `SELECT 1 AS x FROM ${qualify(m.target)} LIMIT 1`);
    if (!r.length) return 'empty';
    if (firstMode !== 'empty') return 'merge';
    // every row is from our interrupted load: start the table over
    await this.client.query(`TRUNCATE TABLE ${qualify(m.target)}`).catch(() => this.client.query(`DELETE FROM ${qualify(m.target)}`));
    return 'empty';
  }

  private async loader(): Promise<MyConnection> {
    const c = this.loaders.pop() ?? (await connect(this.cfg));
    await c.query(applySession(this.taskId, this.replica));
    return c;
  }

  private cascades(mappings: Map<string, TableMapping>): Promise<CascadeGraph> {
    if (this.cascadeGraph?.mappings !== mappings) {
      const graph = readCascades(this.client, [...mappings.values()]);
      graph.catch(() => (this.cascadeGraph = null));
      this.cascadeGraph = { mappings, graph };
    }
    return this.cascadeGraph.graph;
  }

  async load(m: TableMapping, data: BulkStream, mode: 'empty' | 'merge', onProgress?: (bytes: number) => void) {
    if (data.format !== 'rows') throw new Error(`the MySQL writer loads row batches, not ${data.format}`);
    const t = await this.table(m);
    const c = await this.loader();
    let ok = false;
    try {
      const r = this.infile ? await infileRows(c, m, t, data.batches, mode, onProgress) : await insertRows(c, m, t, data.batches, mode, this.budget, onProgress);
      ok = true;
      return r;
    } finally {
      if (ok) this.loaders.push(c);
      else await c.end().catch(() => c.destroy());
    }
  }

  // ------------------------------------------------------------------ incremental

  async apply(txns: Transaction[], opts: Parameters<Writer['apply']>[1]): Promise<ApplyResult> {
    let rows = 0;
    let bytes = 0;
    let last: Transaction | null = null;
    const handling = opts.conflicts;
    const detector = handling ? new DetectingApply(this.detectClient, handling) : null;
    try {
      const graph = await this.cascades(opts.mappings);
      const cascades = graph.empty ? null : graph;
      this.graph = cascades;
      if (!this.inTxn) {
        this.inTxn = true;
        await this.exec('START TRANSACTION');
        // the helper tables are locked for the transaction and checked again (a trigger added
        // since the writer opened never fires)
        await guardMyHelpers(this.client, targetWhere(this.cfg), HELPERS);
        // first statement of every transaction DTS applies: the opposite direction skips it
        await this.exec(
          `INSERT INTO ${qualify(MARKER)} (origin, seq, updated_at) VALUES (${lit(this.origin)}, 1, NOW(6)) ON DUPLICATE KEY UPDATE seq = seq + 1, updated_at = NOW(6)`,
        );
      }
      const co = new Coalescer(opts.mappings);
      for (const t of txns) {
        const detect = !!detector && (!handling?.replayUntil || comparePos(t.position, handling.replayUntil) > 0);
        bytes += t.bytes;
        for (const c of t.changes) {
          rows++;
          if (c.op === 'ddl') continue;
          completeFromBefore(c);
          const m = c.op === 'truncate' ? undefined : opts.mappings.get(tableKey(c.table));
          if (c.op !== 'truncate' && !m) continue;
          // a row change whose cascade (cascades.ts) the destination must also get
          const cascade = m && c.op !== 'truncate' && cascades?.cascades(m, c) ? { m, c } : null;
          if (m && c.op !== 'truncate' && (detect || !(await this.table(m)).keyUnique)) {
            // row by row, in order: conflict detection, or a table without a unique key
            await this.flush(co);
            if (detect && detector) await detector.apply(m, c, t);
            else await this.applyKeyless(m, c);
            if (cascade) await cascades?.apply(this.detectClient, [cascade]);
            continue;
          }
          if (cascades && m && this.mustFlushFor(co, cascades, m, !!cascade)) await this.flush(co);
          if (co.add(c, t)) {
            if (cascade && cascades) {
              this.pendingCascades.push(cascade);
              for (const k of cascades.descendants(cascade.m.source)) this.cascadeTargets.add(k);
            }
            if (co.size >= FLUSH_CHANGES) await this.flush(co);
            continue;
          }
          await this.flush(co);
          await this.applyBarrier(c, opts.mappings);
          if (cascade) await cascades?.apply(this.detectClient, [cascade]);
        }
        if (!t.partial) last = t;
      }
      await this.flush(co);
      if (detector?.found.length) await handling?.record(detector.found.splice(0));
      this.pending += rows;
      if (txns[txns.length - 1]?.partial) return { position: null, rows, bytes }; // the source transaction continues
      if (last) await this.commit(last);
      return { position: last?.position ?? null, rows, bytes };
    } catch (e) {
      // a conflict under TaskFailed is recorded although nothing of this apply commits
      if (e instanceof ConflictFailure && detector?.found.length) await handling?.record(detector.found.splice(0)).catch(() => undefined);
      await this.rollback();
      throw e;
    }
  }

  private async commit(last: Transaction): Promise<void> {
    // the position, and the count of source changes applied, commit with the data
    await this.exec(
      `INSERT INTO ${qualify(CHECKPOINT)} (task_id, position, changes, updated_at) VALUES (${lit(this.taskId)}, ${lit(last.position)}, ${this.pending}, NOW(6))
       ON DUPLICATE KEY UPDATE position = VALUES(position), changes = changes + VALUES(changes), updated_at = VALUES(updated_at)`,
    );
    await this.exec('COMMIT');
    this.inTxn = false;
    this.pending = 0;
  }

  /**
   * A change keeps its place relative to cascades: the run is flushed first when the change is
   * of a table a cascade pending in the run writes (it came after that cascade), or when the
   * change cascades to a table the run has changes of (those came before it).
   */
  private mustFlushFor(co: Coalescer, graph: CascadeGraph, m: TableMapping, cascading: boolean): boolean {
    if (this.cascadeTargets.has(tableKey(m.source))) return true;
    if (!cascading) return false;
    const below = graph.descendants(m.source);
    for (const k of co.runs.keys()) if (below.has(k)) return true;
    return false;
  }

  private async rollback(): Promise<void> {
    this.pendingCascades = [];
    this.cascadeTargets.clear();
    this.pending = 0;
    if (!this.inTxn) return;
    this.inTxn = false;
    await this.client.query('ROLLBACK').catch(() => undefined);
  }

  /** truncate, or an update that moves a row to another key: applied alone, in order */
  private async applyBarrier(c: Transaction['changes'][number], mappings: Map<string, TableMapping>): Promise<void> {
    if (c.op === 'truncate') {
      // TRUNCATE would commit the open transaction: DELETE keeps it atomic
      for (const t of c.tables) {
        const m = mappings.get(tableKey(t));
        if (m?.ops.includes('delete')) await this.exec(`DELETE FROM ${qualify(m.target)}`);
      }
      return;
    }
    if (c.op !== 'update' || !c.before) return;
    const m = mappings.get(tableKey(c.table));
    if (!m) return;
    const t = await this.table(m);
    const cols = definedColumns(c.after, m);
    const complete = cols.length === m.columns.length;
    if (complete && this.replica) {
      // foreign key checks are off, so a DELETE cascades to nothing (the caller applies the
      // ON UPDATE cascade of the key change itself): the old key goes, and the new key gets
      // exactly this image whatever the destination holds there
      await this.exec(deleteSql(m, t, [c.before]));
      await this.upsertOne(m, t, c.after, cols);
      return;
    }
    try {
      const n = (await this.exec(updateOneSql(m, t, c.after, cols, c.before))).affectedRows;
      if (!n && complete) await this.upsertOne(m, t, c.after, cols);
    } catch (e) {
      if (errno(e) !== 1062) throw e;
      // the new key is taken: a replay over a newer snapshot that already moved the row
      await this.exec(updateOneSql(m, t, c.after, cols, c.after));
      await this.exec(deleteSql(m, t, [c.before]));
    }
  }

  private async upsertOne(m: TableMapping, t: TargetTable, row: Row, cols: string[]): Promise<void> {
    try {
      await this.exec(insertHead(m, cols) + tupleOf(m, t, row, cols) + upsertTail(m, t, cols));
    } catch (e) {
      if (errno(e) !== ER_BAD_NULL_ERROR || !t.otherUniques) throw e;
      throw new Error(`the row ${JSON.stringify(Object.fromEntries(m.keyColumns.map((k) => [k, row[k]])))} of ${m.target.schema}.${m.target.name} has a unique value another destination row holds (${(e as Error).message})`);
    }
  }

  /** a table without a unique key on the destination: one row per change, duplicates kept */
  private async applyKeyless(m: TableMapping, c: Extract<Transaction['changes'][number], { op: 'insert' | 'update' | 'delete' }>): Promise<void> {
    const t = await this.table(m);
    if (c.op === 'insert') {
      const cols = definedColumns(c.after, m);
      await this.exec(insertHead(m, cols) + tupleOf(m, t, c.after, cols));
    } else if (c.op === 'delete') await this.exec(deleteOneSql(m, t, c.before));
    else if (c.before) await this.exec(updateOneSql(m, t, c.after, definedColumns(c.after, m), c.before));
  }

  /** applies the net effect of the run; on a constraint error, replays it change by change */
  private async flush(co: Coalescer): Promise<void> {
    if (!co.size) return;
    const cascading = this.pendingCascades;
    this.pendingCascades = [];
    this.cascadeTargets.clear();
    const runs = [...co.runs.values()];
    const tables = await Promise.all(runs.map((r) => this.table(r.mapping)));
    await this.exec('SAVEPOINT dts_run');
    try {
      for (let i = 0; i < runs.length; i++) for (const st of this.netStatements(runs[i].mapping, tables[i], [...runs[i].rows.values()])) await this.exec(st);
    } catch (e) {
      if (!REPLAYABLE.has(errno(e) ?? 0)) throw e;
      await this.exec('ROLLBACK TO SAVEPOINT dts_run');
      for (let i = 0; i < co.changes.length; i++) {
        const c = co.changes[i];
        if (c.op !== 'insert' && c.op !== 'update' && c.op !== 'delete') continue;
        const m = runMapping(co, c);
        if (!m) continue;
        const t = await this.table(m);
        if (c.op === 'delete') await this.exec(deleteSql(m, t, [c.before]));
        else {
          const cols = definedColumns(c.after, m);
          if (c.op === 'update' && cols.length < m.columns.length) await this.exec(updateOneSql(m, t, c.after, cols, c.after));
          else await this.upsertOne(m, t, c.after, cols);
        }
      }
    }
    // the run's statements write none of the tables these cascades write: the two commute
    if (cascading.length) await this.graph?.apply(this.detectClient, cascading);
    await this.exec('RELEASE SAVEPOINT dts_run');
    co.clear();
  }

  /** deletes, then partial updates (values the source did not send are left alone), then upserts */
  private netStatements(m: TableMapping, t: TargetTable, net: { kind: string; row: Row; seq: number }[]): string[] {
    net.sort((a, b) => a.seq - b.seq);
    const out: string[] = [];
    const deletes = net.filter((n) => n.kind === 'delete').map((n) => n.row);
    for (let i = 0; i < deletes.length; i += 1_000) out.push(deleteSql(m, t, deletes.slice(i, i + 1_000)));
    const groups = new Map<string, { cols: string[]; rows: Row[] }>();
    for (const n of net) {
      if (n.kind === 'delete') continue;
      const cols = definedColumns(n.row, m);
      if (n.kind === 'update' && cols.length < m.columns.length) {
        out.push(updateOneSql(m, t, n.row, cols, n.row));
        continue;
      }
      const sig = cols.join('\u0000');
      const g = groups.get(sig) ?? { cols, rows: [] };
      g.rows.push(n.row);
      groups.set(sig, g);
    }
    for (const g of groups.values()) {
      const head = insertHead(m, g.cols);
      const tail = upsertTail(m, t, g.cols);
      let parts: string[] = [];
      let size = 0;
      for (const r of g.rows) {
        const s = tupleOf(m, t, r, g.cols);
        if (parts.length && size + s.length > this.budget - head.length - tail.length) {
          out.push(head + parts.join(', ') + tail);
          parts = [];
          size = 0;
        }
        parts.push(s);
        size += s.length + 2;
      }
      if (parts.length) out.push(head + parts.join(', ') + tail);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.rollback();
    await Promise.all([this.client, ...this.loaders].map((c) => c.end().catch(() => c.destroy())));
    this.loaders = [];
  }
}

function runMapping(co: Coalescer, c: { table: { schema: string; name: string } }): TableMapping | undefined {
  return co.runs.get(tableKey(c.table))?.mapping;
}

const HELPERS = [CHECKPOINT_TABLE, MARKER_TABLE];
const targetWhere = (cfg: ConnectionConfig): string => describeServer('destination', cfg);

/**
 * Checks the dts database's checkpoint and marker tables and creates what is missing
 * (MyHelperObjectError when they fail the check), naming the fix when not permitted.
 */
async function createTables(c: MyConnection, cfg: ConnectionConfig): Promise<void> {
  try {
    await ensureMyHelpers(c, targetWhere(cfg), HELPERS, { optional: false });
  } catch (e) {
    if (![1044, 1142, 1227].includes(errno(e) ?? 0)) throw e;
    throw new Error(
      `The destination account "${cfg.user}" may not create the database ${DTS_DATABASE} and its tables, where DTS records its progress (${(e as Error).message}). ` +
        `Grant it: GRANT CREATE, DROP, SELECT, INSERT, UPDATE, DELETE, TRIGGER ON ${DTS_DATABASE}.* TO '${cfg.user}'@'%'.`,
    );
  }
}

export const writerTarget: WriterTarget = {
  bulkFormats: ['rows'],

  async openWriter(cfg, { taskId, originName, replicaRole }) {
    const c = await connect(cfg);
    try {
      // foreign keys are checked on the source: rows arrive in source commit order, tables in
      // any, and cascades are applied by the writer (cascades.ts); triggers see @dts_apply
      await c.query(applySession(taskId, replicaRole));
      await createTables(c, cfg);
      const w = new MyWriter(c, cfg, taskId, originName, replicaRole);
      await w.init();
      return w;
    } catch (e) {
      await c.end().catch(() => c.destroy());
      throw e;
    }
  },

  async cleanup(cfg, { taskId, originName }) {
    const where = targetWhere(cfg);
    return withConnection(cfg, async (c) => {
      const r = await releaseMyHelpers(c, where, [
        { table: CHECKPOINT_TABLE, column: 'task_id', key: taskId },
        { table: MARKER_TABLE, column: 'origin', key: originName },
      ], { optional: false });
      if (r.problems.length) throw new MyHelperObjectError(r.problems, where);
      return r.dropped;
    });
  },
};
