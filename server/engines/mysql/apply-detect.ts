// Applying changes with conflict detection (two-way sync and reverse tasks) on MySQL, one change
// at a time in source order. Semantics as the PostgreSQL writer's apply-detect.ts:
//   - INSERT: a row hitting an existing primary or unique key is a unique_conflict;
//   - UPDATE: matched on the key AND the source's old row image (every column compared with
//     <=>, typed); no match with a row present is update_differs, no row at all is
//     update_missing and the update becomes an INSERT (MySQL images are always complete);
//   - DELETE: no row is delete_missing, recorded and ignored.
// Each conflict gets the policy: TaskFailed throws ConflictFailure (after recording), Ignore keeps
// the destination row, Overwrite replaces it. A failed INSERT/UPDATE on a duplicate key rolls
// back only that statement in InnoDB, so no savepoints are needed.
import type { Change, ConflictHandling, ConflictKind, ConflictRecord, Row, TableMapping } from '../types';
import { changesKey, definedColumns, type TxnRef } from '../shared/coalesce';
import { ConflictFailure, describeConflict } from '../shared/conflict';
import { blockersSql, deleteImagesSql, deleteOneSql, insertHead, lockRowSql, targetName, tuple, updateOneSql, type TargetTable } from './apply-sql';

export type RowChange = Extract<Change, { op: 'insert' | 'update' | 'delete' }>;
export type TargetRow = Record<string, string | null>;

export interface DetectClient {
  /** runs a statement; resolves with the rows it matched (FOUND_ROWS) or inserted */
  exec(sql: string): Promise<number>;
  select(sql: string): Promise<TargetRow[]>;
  table(m: TableMapping): Promise<TargetTable>;
}

const ER_DUP_ENTRY = 1062;

function isDuplicate(e: unknown): boolean {
  return (e as { errno?: number }).errno === ER_DUP_ENTRY;
}

/** a row image by destination column names */
function toTarget(m: TableMapping, row: Row): Row {
  const out: Row = {};
  for (const c of m.columns) if (row[c.source] !== undefined) out[c.target] = row[c.source];
  return out;
}

export class DetectingApply {
  /** conflicts met so far, to record before the apply commits (or fails) */
  readonly found: ConflictRecord[] = [];

  constructor(
    private c: DetectClient,
    private handling: ConflictHandling,
  ) {}

  async apply(m: TableMapping, c: RowChange, txn: TxnRef): Promise<void> {
    const t = await this.c.table(m);
    if (c.op === 'insert') return this.insertOne(m, t, c.after, 'insert', txn);
    if (c.op === 'delete') {
      if (!(await this.c.exec(deleteOneSql(m, t, c.before)))) this.found.push(this.record(m, 'delete_missing', 'delete', c.before, null, 'ignored', txn));
      return;
    }
    return this.updateOne(m, t, c, txn);
  }

  private async insertOne(m: TableMapping, t: TargetTable, row: Row, op: 'insert' | 'update', txn: TxnRef): Promise<void> {
    const cols = definedColumns(row, m);
    const sql = insertHead(m, cols) + tuple(m, t, row, cols);
    try {
      await this.c.exec(sql);
      return;
    } catch (e) {
      if (!isDuplicate(e)) throw e;
    }
    const blockers = await this.c.select(blockersSql(m, t, row, null));
    if (this.decide(m, 'unique_conflict', op, row, blockers[0] ?? null, txn) !== 'overwritten') return;
    if (blockers.length) await this.c.exec(deleteImagesSql(m, t, blockers));
    try {
      await this.c.exec(sql);
    } catch (e) {
      if (!isDuplicate(e)) throw e;
      throw new Error(`${describeConflict(m.target, toTarget(m, row), m)}: the row still conflicts after the conflicting rows were removed (${(e as Error).message})`);
    }
  }

  private async updateOne(m: TableMapping, t: TargetTable, c: Extract<Change, { op: 'update' }>, txn: TxnRef): Promise<void> {
    const cols = definedColumns(c.after, m);
    const movesKey = changesKey(c, m.keyColumns);
    const match = movesKey && c.before ? c.before : c.after;
    const setCols = movesKey ? cols : cols.filter((x) => !m.keyColumns.includes(x));
    const guard = c.before ? { row: c.before, cols: definedColumns(c.before, m).filter((x) => !m.keyColumns.includes(x)) } : undefined;

    const attempt = async (guarded: boolean): Promise<boolean> => {
      const sql = updateOneSql(m, t, c.after, setCols, match, guarded ? guard : undefined);
      try {
        return (await this.c.exec(sql)) > 0;
      } catch (e) {
        if (!isDuplicate(e)) throw e;
        // the new values hit another row's key or unique value
        const blockers = await this.c.select(blockersSql(m, t, c.after, match));
        if (this.decide(m, 'unique_conflict', 'update', c.after, blockers[0] ?? null, txn, c.before) !== 'overwritten') return true;
        if (blockers.length) await this.c.exec(deleteImagesSql(m, t, blockers));
        return (await this.c.exec(sql)) > 0;
      }
    };

    if (await attempt(true)) return;
    const existing = await this.c.select(lockRowSql(m, t, match));
    if (existing.length) {
      // the destination row is not the source's old row: it was changed on both sides
      if (this.decide(m, 'update_differs', 'update', c.after, existing[0], txn, c.before) === 'overwritten') await attempt(false);
      return;
    }
    // no row: the UPDATE becomes an INSERT (DTS rule), which may conflict in turn
    const complete = cols.length === m.columns.length;
    this.found.push(this.record(m, 'update_missing', 'update', c.after, null, complete ? 'inserted' : 'skipped', txn, c.before));
    if (complete) await this.insertOne(m, t, c.after, 'update', txn);
  }

  /** applies the policy to a conflict: records it, and fails the apply under TaskFailed */
  private decide(m: TableMapping, kind: ConflictKind, op: 'insert' | 'update', row: Row, image: TargetRow | null, txn: TxnRef, before: Row | null = null) {
    const policy = this.handling.policy;
    const action = policy === 'Overwrite' ? 'overwritten' : policy === 'Ignore' ? 'ignored' : 'failed';
    const rec = this.record(m, kind, op, row, image, action, txn, before);
    this.found.push(rec);
    if (action === 'failed') throw new ConflictFailure(rec, m);
    return action;
  }

  private record(m: TableMapping, kind: ConflictKind, op: ConflictRecord['op'], row: Row, target: TargetRow | null, action: ConflictRecord['action'], txn: TxnRef, before: Row | null = null): ConflictRecord {
    const key = Object.fromEntries(m.keyColumns.map((k) => [targetName(m, k), row[k]]));
    return { table: m.target, key, kind, op, sourceImage: toTarget(m, row), beforeImage: before ? toTarget(m, before) : null, targetImage: target, action, position: txn.position, commitTime: txn.commitTime };
  }
}
