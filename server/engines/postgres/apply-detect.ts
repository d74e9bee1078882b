// Applying a run of changes with conflict detection (two-way sync and reverse tasks).
//
// Fast path, set-based as in one-way apply, but every statement is guarded and reports which
// rows went as expected: an INSERT skips rows whose key or unique values exist, an UPDATE
// matches the old row image the source sent (REPLICA IDENTITY FULL), a DELETE reports rows it
// did not find. Rows that did not go as expected are "suspects": their changes are replayed one
// by one, in source order, and each conflict found gets the Conflict Resolution Policy. So one
// conflicting row never fails or skips the rest of its batch.
import type pg from 'pg';
import type { Change, ConflictHandling, ConflictKind, ConflictRecord, Row, TableMapping } from '../types';
import { tableKey } from '../types';
import { changesKey, Coalescer, definedColumns, type NetRow, type TableRun, type TxnRef } from '../shared/coalesce';
import { ConflictFailure, describeConflict } from '../shared/conflict';
import {
  blockersSql,
  deleteByTidSql,
  deleteReturningSql,
  guardedUpdateSql,
  identityKeyMove,
  insertNewSql,
  lockRowsSql,
  moveRowSql,
  movesIdentityKey,
  type Stmt,
  type TargetTable,
} from './apply-sql';

const ROWS_PER_STMT = 5_000;
const CONSTRAINT_CODES = new Set(['23505', '23P01', '23503']);

export interface ApplyClient {
  run(s: Stmt): Promise<pg.QueryResult>;
  query(text: string): Promise<unknown>;
  table(m: TableMapping): Promise<TargetTable>;
  /** the session has session_replication_role = replica: a DELETE cascades to nothing */
  replica: boolean;
}

type RowChange = Extract<Change, { op: 'insert' | 'update' | 'delete' }>;

function isRowChange(c: Change): c is RowChange {
  return c.op === 'insert' || c.op === 'update' || c.op === 'delete';
}

function sqlState(e: unknown): string | undefined {
  return (e as { code?: string }).code;
}

/** a row image by destination column names, without the values the source did not send */
function toTarget(m: TableMapping, row: Row | null): Row | null {
  if (!row) return null;
  const out: Row = {};
  for (const c of m.columns) if (row[c.source] !== undefined) out[c.target] = row[c.source];
  return out;
}

function parseImage(text: string | null | undefined): Record<string, unknown> | null {
  return text ? (JSON.parse(text) as Record<string, unknown>) : null;
}

/** columns of the old image to compare with the destination row: all it has but the key */
function guardColumns(m: TableMapping, before: Row | null): string[] {
  if (!before) return [];
  return definedColumns(before, m).filter((c) => !m.keyColumns.includes(c));
}

export class DetectingApply {
  /** conflicts met by this apply so far, to record before it commits */
  readonly found: ConflictRecord[] = [];

  constructor(
    private c: ApplyClient,
    private handling: ConflictHandling,
  ) {}

  /** applies the coalesced run `co` (then cleared by the caller) */
  async flush(co: Coalescer): Promise<void> {
    if (!co.size) return;
    const local: ConflictRecord[] = [];
    await this.c.query('SAVEPOINT dts_run');
    let fastDone = false;
    try {
      const suspects = new Set<string>();
      for (const run of co.runs.values()) await this.fast(run, co, suspects, local);
      fastDone = true;
      if (suspects.size) await this.exact(co, (c) => suspects.has(co.rowKey(c) ?? ''), local);
      await this.c.query('RELEASE SAVEPOINT dts_run');
    } catch (e) {
      // a unique value moving between rows of the run: the exact source order always works
      if (fastDone || !CONSTRAINT_CODES.has(sqlState(e) ?? '')) {
        if (e instanceof ConflictFailure) this.found.push(...local);
        throw e;
      }
      await this.c.query('ROLLBACK TO SAVEPOINT dts_run');
      local.length = 0;
      try {
        await this.exact(co, () => true, local);
      } catch (e2) {
        if (e2 instanceof ConflictFailure) this.found.push(...local);
        throw e2;
      }
      await this.c.query('RELEASE SAVEPOINT dts_run');
    }
    this.found.push(...local);
  }

  /** a key-changing update (a barrier), alone and in order */
  async single(m: TableMapping, c: RowChange, txn: TxnRef): Promise<void> {
    const local: ConflictRecord[] = [];
    try {
      await this.applyOne(m, c, txn, local);
    } finally {
      this.found.push(...local);
    }
  }

  // ---------------------------------------------------------------- fast path

  private async fast(run: TableRun, co: Coalescer, suspects: Set<string>, local: ConflictRecord[]): Promise<void> {
    const m = run.mapping;
    const t = await this.c.table(m);
    const prefix = `${tableKey(m.source)}\u0000`;
    const deletes: NetRow[] = [];
    const probes: [string, NetRow][] = [];
    const updates: [string, NetRow][] = [];
    const inserts: [string, NetRow][] = [];
    for (const [k, n] of run.rows) {
      const first = n.first?.op ?? 'update';
      if (n.kind === 'delete') {
        if (first === 'insert') probes.push([k, n]);
        else deletes.push(n);
      } else if (n.kind === 'update') updates.push([k, n]);
      else if (first === 'insert') inserts.push([k, n]);
      else suspects.add(prefix + k); // deleted then inserted again: replay in order
    }

    // DELETE: a row not found is recorded and otherwise ignored, under every policy
    for (let i = 0; i < deletes.length; i += ROWS_PER_STMT) {
      const part = deletes.slice(i, i + ROWS_PER_STMT);
      const r = await this.c.run(deleteReturningSql(m, t, part.map((n) => n.row)));
      const hit = new Set(r.rows.map((x: { ord: string }) => Number(x.ord)));
      part.forEach((n, j) => {
        if (!hit.has(j + 1)) local.push(this.record(m, 'delete_missing', 'delete', n.row, null, 'ignored', co.txns[n.first?.index ?? 0]));
      });
    }

    // UPDATE: guarded by the old row image where the source sent one
    const groups = new Map<string, { cols: string[]; guard: string[]; rows: [string, NetRow][] }>();
    for (const e of updates) {
      const cols = definedColumns(e[1].row, m).filter((c) => !m.keyColumns.includes(c));
      const guard = guardColumns(m, e[1].first?.before ?? null);
      const sig = `${cols.join('\u0000')}\u0001${guard.join('\u0000')}`;
      const g = groups.get(sig) ?? { cols, guard, rows: [] };
      g.rows.push(e);
      groups.set(sig, g);
    }
    for (const g of groups.values()) {
      for (let i = 0; i < g.rows.length; i += ROWS_PER_STMT) {
        const part = g.rows.slice(i, i + ROWS_PER_STMT);
        const items = part.map(([, n]) => ({ set: n.row, match: n.row, guard: n.first?.before ?? null }));
        const r = await this.c.run(guardedUpdateSql(m, t, items, g.cols, g.guard));
        const hit = new Set(r.rows.map((x: { ord: string }) => Number(x.ord)));
        part.forEach(([k], j) => {
          if (!hit.has(j + 1)) suspects.add(prefix + k);
        });
      }
    }

    // INSERT: rows hitting an existing key or unique value are left for the exact path
    const byCols = new Map<string, { cols: string[]; rows: [string, NetRow][] }>();
    for (const e of inserts) {
      const cols = definedColumns(e[1].row, m);
      const sig = cols.join('\u0000');
      const g = byCols.get(sig) ?? { cols, rows: [] };
      g.rows.push(e);
      byCols.set(sig, g);
    }
    for (const g of byCols.values()) {
      for (let i = 0; i < g.rows.length; i += ROWS_PER_STMT) {
        const part = g.rows.slice(i, i + ROWS_PER_STMT);
        const r = await this.c.run(insertNewSql(m, t, part.map(([, n]) => n.row), g.cols));
        for (const x of r.rows as { ord: string }[]) suspects.add(prefix + part[Number(x.ord) - 1][0]);
      }
    }

    // inserted and deleted again within the run: nothing to do unless the key already existed
    for (let i = 0; i < probes.length; i += ROWS_PER_STMT) {
      const part = probes.slice(i, i + ROWS_PER_STMT);
      const r = await this.c.run(lockRowsSql(m, t, part.map(([, n]) => n.row)));
      for (const x of r.rows as { ord: string }[]) suspects.add(prefix + part[Number(x.ord) - 1][0]);
    }
  }

  // ---------------------------------------------------------------- exact path

  private async exact(co: Coalescer, pick: (c: Change) => boolean, local: ConflictRecord[]): Promise<void> {
    const mappings = new Map([...co.runs.values()].map((r) => [tableKey(r.mapping.source), r.mapping]));
    for (let i = 0; i < co.changes.length; i++) {
      const c = co.changes[i];
      if (!isRowChange(c) || !pick(c)) continue;
      const m = mappings.get(tableKey(c.table));
      if (m) await this.applyOne(m, c, co.txns[i], local);
    }
  }

  private async applyOne(m: TableMapping, c: RowChange, txn: TxnRef, local: ConflictRecord[]): Promise<void> {
    const t = await this.c.table(m);
    if (c.op === 'insert') return this.insertOne(m, t, c.after, 'insert', txn, local);
    if (c.op === 'delete') {
      const r = await this.c.run(deleteReturningSql(m, t, [c.before]));
      if (!r.rowCount) local.push(this.record(m, 'delete_missing', 'delete', c.before, null, 'ignored', txn));
      return;
    }
    return this.updateOne(m, t, c, txn, local);
  }

  private async insertOne(m: TableMapping, t: TargetTable, row: Row, op: 'insert' | 'update', txn: TxnRef, local: ConflictRecord[]): Promise<void> {
    const cols = definedColumns(row, m);
    const r = await this.c.run(insertNewSql(m, t, [row], cols));
    if (!r.rowCount) return;
    const blockers = await this.c.run(blockersSql(m, t, row, false));
    const image = parseImage((blockers.rows[0] as { image?: string } | undefined)?.image);
    const action = this.decide(m, 'unique_conflict', op, row, image, txn, local);
    if (action !== 'overwritten') return;
    await this.c.run(deleteByTidSql(m, blockers.rows.map((b: { tid: string }) => b.tid)));
    const again = await this.c.run(insertNewSql(m, t, [row], cols));
    if (again.rowCount) throw new Error(`${describeConflict(m.target, toTarget(m, row) ?? {}, m)}: the row still conflicts after the conflicting rows were removed (a partial or expression unique index?)`);
  }

  private async updateOne(m: TableMapping, t: TargetTable, c: Extract<Change, { op: 'update' }>, txn: TxnRef, local: ConflictRecord[]): Promise<void> {
    const cols = definedColumns(c.after, m);
    const movesKey = changesKey(c, m.keyColumns);
    const match = movesKey && c.before ? c.before : c.after;
    const setCols = movesKey ? cols : cols.filter((x) => !m.keyColumns.includes(x));
    const guard = guardColumns(m, c.before);
    const item = { set: c.after, match, guard: c.before };
    // UPDATE cannot set a GENERATED ALWAYS identity key: such a row moves by DELETE and INSERT
    const moves = movesKey && !!c.before && movesIdentityKey(m, t);
    if (moves && !this.c.replica) throw identityKeyMove(m, t);
    const statement = (guarded: boolean): Stmt =>
      moves ? moveRowSql(m, t, match, c.after, guarded ? guard : []) : guardedUpdateSql(m, t, [item], setCols, guarded ? guard : []);

    const attempt = async (guarded: boolean): Promise<boolean> => {
      await this.c.query('SAVEPOINT dts_one');
      try {
        const r = await this.c.run(statement(guarded));
        await this.c.query('RELEASE SAVEPOINT dts_one');
        return !!r.rowCount;
      } catch (e) {
        if (sqlState(e) !== '23505') throw e;
        await this.c.query('ROLLBACK TO SAVEPOINT dts_one');
        // the new values hit another row's key or unique value
        const blockers = await this.c.run(blockersSql(m, t, c.after, true));
        const image = parseImage((blockers.rows[0] as { image?: string } | undefined)?.image);
        if (this.decide(m, 'unique_conflict', 'update', c.after, image, txn, local, c.before) !== 'overwritten') return true;
        await this.c.run(deleteByTidSql(m, blockers.rows.map((b: { tid: string }) => b.tid)));
        return !!(await this.c.run(statement(guarded))).rowCount;
      }
    };

    if (await attempt(true)) return;
    const existing = await this.c.run(lockRowsSql(m, t, [match]));
    if (existing.rowCount) {
      // the destination row is not the source's old row: it was changed on both sides
      const image = parseImage((existing.rows[0] as { image: string }).image);
      if (this.decide(m, 'update_differs', 'update', c.after, image, txn, local, c.before) === 'overwritten') await attempt(false);
      return;
    }
    // no row: the UPDATE becomes an INSERT (DTS rule), which may conflict in turn
    const complete = cols.length === m.columns.length;
    local.push(this.record(m, 'update_missing', 'update', c.after, null, complete ? 'inserted' : 'skipped', txn, c.before));
    if (complete) await this.insertOne(m, t, c.after, 'update', txn, local);
  }

  /** applies the policy to a conflict: records it, and fails the apply under TaskFailed */
  private decide(m: TableMapping, kind: ConflictKind, op: 'insert' | 'update', row: Row, image: Record<string, unknown> | null, txn: TxnRef, local: ConflictRecord[], before: Row | null = null) {
    const policy = this.handling.policy;
    const action = policy === 'Overwrite' ? 'overwritten' : policy === 'Ignore' ? 'ignored' : 'failed';
    const rec = this.record(m, kind, op, row, image, action, txn, before);
    local.push(rec);
    if (action === 'failed') throw new ConflictFailure(rec, m);
    return action;
  }

  private record(m: TableMapping, kind: ConflictKind, op: ConflictRecord['op'], row: Row, target: Record<string, unknown> | null, action: ConflictRecord['action'], txn: TxnRef, before: Row | null = null): ConflictRecord {
    const image = toTarget(m, row) ?? {};
    const key = Object.fromEntries(m.keyColumns.map((k) => {
      const name = m.columns.find((c) => c.source === k)?.target ?? k;
      return [name, row[k]];
    }));
    return { table: m.target, key, kind, op, sourceImage: image, beforeImage: before ? toTarget(m, before) : null, targetImage: target, action, position: txn.position, commitTime: txn.commitTime };
  }
}
