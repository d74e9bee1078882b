// Foreign-key cascades on a MySQL destination (issue 14, item 5).
//
// InnoDB carries out ON DELETE / ON UPDATE CASCADE and SET NULL inside the storage engine, so
// the rows a cascade changes on the source are NOT in the binlog: only the parent's row is. The
// writer applies with foreign_key_checks = 0 (the full load's tables load in parallel, and the
// coalesced incremental apply writes tables in any order), and with checks off InnoDB cascades
// to nothing either. Left alone, the destination's children keep a deleted parent's key.
//
// The choice: the writer applies each cascade itself, as explicit statements, with checks still
// off. It reads the destination's foreign keys between tables the task writes (schema sync
// creates them after the full load with the source's actions; the precheck item
// `target.foreign_key_cascades` warns where the destination lacks one, has other actions, or a
// cascade cannot be reproduced), and for a parent's DELETE, or an UPDATE changing referenced
// columns, it deletes or updates the matching child rows of the mapped child tables, recursively
// (a child deleted by CASCADE cascades to its own children; at most 15 levels, as InnoDB).
// Turning foreign_key_checks on for the linked tables instead (and letting InnoDB cascade) was
// rejected, because checks on also check everything else:
//   - a child whose parent row is left out by a WHERE filter, or whose parent table is not
//     selected, could no longer be written (ER_NO_REFERENCED_ROW), nor a parent deleted while a
//     destination-only child references it;
//   - a replay over a newer snapshot (the full load's later workers, `replayUntil`) re-inserts
//     children whose parent is deleted later in the stream: with checks on that fails every
//     retry, while here the child goes in and the parent's later DELETE removes it again. The
//     cascades are computed from the binlog's old row images, never from what the destination
//     holds, so a replay converges like every other change;
//   - cascades would reach destination tables the task does not write (the operator's own),
//     where the PostgreSQL engine (session_replication_role = replica) touches only what the
//     source sent. Here only mapped tables are written.
//
// Order. The coalescing writer reorders changes per table (net effect per row key), which
// would put a cascade before or after the wrong child changes (a delete + re-insert of a parent
// even nets to an upsert that cascades to nothing). So a change that cascades keeps its place:
//   - it is recorded with its old image when it joins the run, and its cascade is applied when
//     the run is flushed (the run's own statements touch none of the tables the cascade writes,
//     so the two commute);
//   - a run is flushed before a cascading change when the run holds changes of a table it
//     cascades to (those happened before it), and before a change of a table that a cascade
//     pending in the run writes (that change happened after it).
// Row-by-row paths (conflict detection, tables without a unique key, key-changing updates)
// apply the cascade right after the change.
//
// A WHERE filter turns an inserted or updated row that leaves the filter into a DELETE of its
// key (shared/row-filter.ts): the source row still exists, so such a delete (its image has only
// the key columns) does not cascade. TRUNCATE of a parent never cascades (InnoDB refuses it
// while foreign keys reference the table, and ignores them with checks off).
import type { Change, Row, TableMapping, TableRef, Value } from '../types';
import { tableKey } from '../types';
import { literal, targetName, type TargetTable } from './apply-sql';
import { q, qualify, type MyConnection } from './connect';
import { readForeignKeys } from './foreign-keys';

export type FkAction = 'CASCADE' | 'SET NULL' | 'RESTRICT' | 'NO ACTION' | 'SET DEFAULT';

const ACTIONS = / ON DELETE (RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT) ON UPDATE (RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT)$/;

/** the actions at the end of a catalog definition ("… ON DELETE CASCADE ON UPDATE RESTRICT"), or null when it has none */
export function fkActions(definition: string): { onDelete: FkAction; onUpdate: FkAction } | null {
  const m = ACTIONS.exec(definition);
  return m ? { onDelete: m[1] as FkAction, onUpdate: m[2] as FkAction } : null;
}

/** the action changes child rows (CASCADE, SET NULL); RESTRICT and NO ACTION never do */
export const changesChildren = (a: FkAction): boolean => a === 'CASCADE' || a === 'SET NULL';

/** a destination foreign key between two tables the task writes, by source column names */
export interface CascadeLink {
  name: string;
  parent: TableMapping;
  child: TableMapping;
  parentColumns: string[];
  childColumns: string[];
  onDelete: FkAction;
  onUpdate: FkAction;
}

export type RowChange = Extract<Change, { op: 'insert' | 'update' | 'delete' }>;

export interface CascadeClient {
  /** runs a statement; resolves with the rows it affected */
  exec(sql: string): Promise<number>;
  select(sql: string): Promise<Record<string, string | null>[]>;
  table(m: TableMapping): Promise<TargetTable>;
}

/** InnoDB's limit: a deeper cascade fails the source statement, so none arrives */
const MAX_DEPTH = 15;
/** parent key tuples per statement */
const CHUNK = 1_000;

type Tuple = Value[];

/** what happened to rows of a table: deleted (old images), or updated (old and new images) */
type Event = { m: TableMapping; kind: 'delete'; rows: Row[] } | { m: TableMapping; kind: 'update'; pairs: { before: Row; after: Row }[] };

const tupleOf = (row: Row, cols: string[]): Tuple => cols.map((c) => row[c]);
const complete = (t: Tuple): boolean => t.every((v) => v !== null && v !== undefined);
const tupleKey = (t: Tuple): string => JSON.stringify(t);

/**
 * A DELETE a WHERE filter made of an insert or update that left the filter: its image holds the
 * key columns only, where a binlog DELETE carries the whole row (binlog_row_image = FULL).
 */
function filterDelete(m: TableMapping, before: Row): boolean {
  if (!m.where) return false;
  const cols = Object.keys(before);
  return cols.length <= m.keyColumns.length && cols.every((c) => m.keyColumns.includes(c));
}

export class CascadeGraph {
  private byParent = new Map<string, CascadeLink[]>();
  private below = new Map<string, Set<string>>();

  constructor(readonly links: CascadeLink[]) {
    for (const l of links) {
      const k = tableKey(l.parent.source);
      this.byParent.set(k, [...(this.byParent.get(k) ?? []), l]);
    }
  }

  get empty(): boolean {
    return !this.links.length;
  }

  /** source table keys a cascade from `table` can write (children, their children, …; itself when it references itself) */
  descendants(table: TableRef): Set<string> {
    const start = tableKey(table);
    let out = this.below.get(start);
    if (out) return out;
    out = new Set();
    const todo = [start];
    while (todo.length) {
      const k = todo.pop() as string;
      for (const l of this.byParent.get(k) ?? []) {
        const c = tableKey(l.child.source);
        if (out.has(c)) continue;
        out.add(c);
        todo.push(c);
      }
    }
    this.below.set(start, out);
    return out;
  }

  /** true when applying `c` to `m`'s destination table must also apply a cascade */
  cascades(m: TableMapping, c: RowChange): boolean {
    const links = this.byParent.get(tableKey(m.source));
    if (!links) return false;
    if (c.op === 'delete') return !filterDelete(m, c.before) && links.some((l) => changesChildren(l.onDelete) && complete(tupleOf(c.before, l.parentColumns)));
    if (c.op === 'update' && c.before) {
      const before = c.before;
      return links.some((l) => changesChildren(l.onUpdate) && moved(l, before, c.after));
    }
    return false;
  }

  /** applies the cascades of these changes (each one that `cascades`), in order */
  async apply(client: CascadeClient, changes: { m: TableMapping; c: RowChange }[]): Promise<void> {
    for (let i = 0; i < changes.length; ) {
      const { m, c } = changes[i];
      if (c.op === 'delete') {
        // consecutive deletes of one table cascade together
        const rows: Row[] = [];
        for (; i < changes.length && changes[i].c.op === 'delete' && changes[i].m === m; i++) rows.push((changes[i].c as Extract<Change, { op: 'delete' }>).before);
        await this.cascade(client, { m, kind: 'delete', rows }, 1);
      } else {
        if (c.op === 'update' && c.before) await this.cascade(client, { m, kind: 'update', pairs: [{ before: c.before, after: c.after }] }, 1);
        i++;
      }
    }
  }

  private async cascade(client: CascadeClient, e: Event, depth: number): Promise<void> {
    for (const l of this.byParent.get(tableKey(e.m.source)) ?? []) {
      if (e.kind === 'delete') {
        if (!changesChildren(l.onDelete)) continue;
        const olds = distinct(e.rows.map((r) => tupleOf(r, l.parentColumns)).filter(complete));
        if (!olds.length) continue;
        checkDepth(l, depth);
        if (l.onDelete === 'CASCADE') await this.deleteChildren(client, l, olds, depth);
        else await this.setChildren(client, l, olds, l.childColumns.map(() => null), depth);
      } else {
        if (!changesChildren(l.onUpdate)) continue;
        for (const p of e.pairs) {
          if (!moved(l, p.before, p.after)) continue;
          checkDepth(l, depth);
          const to = l.onUpdate === 'CASCADE' ? tupleOf(p.after, l.parentColumns) : l.childColumns.map(() => null);
          await this.setChildren(client, l, [tupleOf(p.before, l.parentColumns)], to, depth);
        }
      }
    }
  }

  /** ON DELETE CASCADE: the child rows referencing `olds` go, and cascade in turn */
  private async deleteChildren(client: CascadeClient, l: CascadeLink, olds: Tuple[], depth: number): Promise<void> {
    const t = await client.table(l.child);
    const deeper = (this.byParent.get(tableKey(l.child.source)) ?? []).some((x) => changesChildren(x.onDelete));
    for (let i = 0; i < olds.length; i += CHUNK) {
      const where = matchSql(l, t, olds.slice(i, i + CHUNK));
      const images = deeper ? await selectImages(client, l.child, where) : [];
      await client.exec(`DELETE FROM ${qualify(l.child.target)} WHERE ${where}`);
      if (images.length) await this.cascade(client, { m: l.child, kind: 'delete', rows: images }, depth + 1);
    }
  }

  /** SET NULL, or ON UPDATE CASCADE: the child rows referencing `olds` take `to`, and cascade in turn */
  private async setChildren(client: CascadeClient, l: CascadeLink, olds: Tuple[], to: Tuple, depth: number): Promise<void> {
    const t = await client.table(l.child);
    const deeper = (this.byParent.get(tableKey(l.child.source)) ?? []).some((x) => changesChildren(x.onUpdate) && x.parentColumns.some((c) => l.childColumns.includes(c)));
    const sets = l.childColumns.map((c, i) => `${q(targetName(l.child, c))} = ${literal(column(t, l.child, c), to[i])}`).join(', ');
    for (let i = 0; i < olds.length; i += CHUNK) {
      const where = matchSql(l, t, olds.slice(i, i + CHUNK));
      const images = deeper ? await selectImages(client, l.child, where) : [];
      await client.exec(`UPDATE ${qualify(l.child.target)} SET ${sets} WHERE ${where}`);
      if (!images.length) continue;
      const pairs = images.map((before) => {
        const after: Row = { ...before };
        l.childColumns.forEach((c, j) => (after[c] = to[j]));
        return { before, after };
      });
      await this.cascade(client, { m: l.child, kind: 'update', pairs }, depth + 1);
    }
  }
}

function moved(l: CascadeLink, before: Row, after: Row): boolean {
  const old = tupleOf(before, l.parentColumns);
  return complete(old) && l.parentColumns.some((c) => after[c] !== undefined && after[c] !== before[c]);
}

function checkDepth(l: CascadeLink, depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new Error(`the cascade of foreign key ${q(l.name)} of ${qualify(l.child.target)} goes deeper than ${MAX_DEPTH} levels, which InnoDB refuses on the source: the foreign keys of the destination differ from the source's`);
  }
}

function distinct(tuples: Tuple[]): Tuple[] {
  const seen = new Map<string, Tuple>();
  for (const t of tuples) seen.set(tupleKey(t), t);
  return [...seen.values()];
}

function column(t: TargetTable, m: TableMapping, source: string) {
  const name = targetName(m, source);
  const col = t.columns.get(name);
  if (!col) throw new Error(`column ${name} does not exist in ${qualify(m.target)} on the destination`);
  return col;
}

/** the child rows whose foreign key columns equal one of `olds` (= as InnoDB compares, by the column's collation) */
function matchSql(l: CascadeLink, t: TargetTable, olds: Tuple[]): string {
  const cols = l.childColumns.map((c) => ({ ident: q(targetName(l.child, c)), col: column(t, l.child, c) }));
  const values = (tuple: Tuple) => tuple.map((v, i) => literal(cols[i].col, v));
  if (cols.length === 1) return `${cols[0].ident} IN (${olds.map((o) => values(o)[0]).join(', ')})`;
  return `(${cols.map((c) => c.ident).join(', ')}) IN (${olds.map((o) => `(${values(o).join(', ')})`).join(', ')})`;
}

/** images (source column names) of the rows a cascade is about to change, locked */
async function selectImages(client: CascadeClient, m: TableMapping, where: string): Promise<Row[]> {
  const r = await client.select(`SELECT ${m.columns.map((c) => q(c.target)).join(', ')} FROM ${qualify(m.target)} WHERE ${where} FOR UPDATE`);
  return r.map((x) => {
    const row: Row = {};
    for (const c of m.columns) row[c.source] = x[c.target];
    return row;
  });
}

/**
 * The destination's foreign keys between the mapped tables whose actions change child rows.
 * A key on columns the task does not map is left out (the precheck compares the two sides).
 */
export async function readCascades(c: MyConnection, mappings: TableMapping[]): Promise<CascadeGraph> {
  const byTarget = new Map(mappings.map((m) => [tableKey(m.target), m]));
  const schemas = [...new Set(mappings.map((m) => m.target.schema))];
  if (!schemas.length) return new CascadeGraph([]);
  const links: CascadeLink[] = [];
  for (const fk of await readForeignKeys(c, schemas)) {
    const actions = fkActions(fk.definition);
    if (!actions || (!changesChildren(actions.onDelete) && !changesChildren(actions.onUpdate))) continue;
    const child = byTarget.get(tableKey({ schema: fk.schema, name: fk.table }));
    const parent = byTarget.get(tableKey({ schema: fk.refSchema, name: fk.refTable }));
    if (!child || !parent) continue;
    const childColumns = fk.columns.map((x) => child.columns.find((col) => col.target === x)?.source);
    const parentColumns = fk.refColumns.map((x) => parent.columns.find((col) => col.target === x)?.source);
    if (!childColumns.every((x) => x !== undefined) || !parentColumns.every((x) => x !== undefined)) continue;
    links.push({ name: fk.name, parent, child, parentColumns: parentColumns as string[], childColumns: childColumns as string[], ...actions });
  }
  return new CascadeGraph(links);
}
