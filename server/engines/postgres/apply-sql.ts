// Set-based statements for applying many row changes at once. Each column travels as ONE
// text[] parameter, unnested and cast to the target column type: a few parameters per
// statement whatever the row count, and exact values (text in, input function out).
import type { Row, TableMapping } from '../types';
import { q, qualify } from './connect';

export interface TargetTable {
  /** target column name -> native type, e.g. "numeric(12,2)" */
  types: Map<string, string>;
  /** target has a unique index on exactly the key columns, so ON CONFLICT works */
  keyUnique: boolean;
  /** target column names of each plain unique index (the key's too) */
  uniques: string[][];
  /**
   * target columns that are GENERATED ALWAYS AS IDENTITY: an INSERT writes them only with
   * OVERRIDING SYSTEM VALUE, and an UPDATE may not set them at all (428C9), not even to the
   * value they hold
   */
  alwaysIdentity: Set<string>;
}

const NEEDS_ESCAPE = /["\\]/;

/** PostgreSQL array literal of text elements: {"a","b\"c",NULL} */
export function textArray(values: (string | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (!NEEDS_ESCAPE.test(v)) out += `"${v}"`;
    else out += `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return `${out}}`;
}

export interface Stmt {
  text: string;
  values: string[];
}

function targetName(m: TableMapping, source: string): string {
  const c = m.columns.find((x) => x.source === source);
  if (!c) throw new Error(`column ${source} of ${m.source.schema}.${m.source.name} is not mapped`);
  return c.target;
}

function typeOf(t: TargetTable, m: TableMapping, source: string): string {
  const target = targetName(m, source);
  const ty = t.types.get(target);
  if (!ty) throw new Error(`column ${target} does not exist in ${m.target.schema}.${m.target.name} on the destination`);
  return ty;
}

/** unnest($1::text[], ...) AS u(c0, ...) with one parameter per column */
function unnestFrom(rows: Row[], cols: string[]): { from: string; values: string[] } {
  const values = cols.map((c) => textArray(rows.map((r) => r[c])));
  const from = `unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${cols.map((_, i) => `c${i}`).join(', ')})`;
  return { from, values };
}

const cast = (i: number, ty: string) => `u.c${i}::${ty}`;

/** the INSERT clause that lets the source's values into GENERATED ALWAYS identity columns */
function overriding(m: TableMapping, t: TargetTable, cols: string[]): string {
  return cols.some((c) => t.alwaysIdentity.has(targetName(m, c))) ? ' OVERRIDING SYSTEM VALUE' : '';
}

/**
 * The columns an UPDATE may set: a GENERATED ALWAYS identity column cannot be set by UPDATE.
 * Its value never changes on a source where it is ALWAYS too; a key change of such a column is
 * applied as a move (moveRowSql).
 */
export function settable(m: TableMapping, t: TargetTable, cols: string[]): string[] {
  return t.alwaysIdentity.size ? cols.filter((c) => !t.alwaysIdentity.has(targetName(m, c))) : cols;
}

/** a key change that an UPDATE cannot apply: the key holds a GENERATED ALWAYS identity column */
export function movesIdentityKey(m: TableMapping, t: TargetTable): boolean {
  return t.alwaysIdentity.size > 0 && m.keyColumns.some((k) => t.alwaysIdentity.has(targetName(m, k)));
}

/**
 * The row match on the key columns (the first unnest columns). A key with a unique index is
 * matched with `=`; a table identified by all its columns (REPLICA IDENTITY FULL) with
 * IS NOT DISTINCT FROM, so NULLs match too.
 */
function matchKey(m: TableMapping, t: TargetTable): string {
  const op = t.keyUnique ? '=' : 'IS NOT DISTINCT FROM';
  return m.keyColumns.map((k, i) => `${q('t')}.${q(targetName(m, k))} ${op} ${cast(i, typeOf(t, m, k))}`).join(' AND ');
}

/** INSERT ... ON CONFLICT (key) DO UPDATE: the source image replaces the target row */
export function upsertSql(m: TableMapping, t: TargetTable, rows: Row[], cols: string[], onConflict: 'update' | 'nothing'): Stmt {
  const { from, values } = unnestFrom(rows, cols);
  const targets = cols.map((c) => q(targetName(m, c)));
  const select = cols.map((c, i) => cast(i, typeOf(t, m, c))).join(', ');
  let text = `INSERT INTO ${qualify(m.target)} (${targets.join(', ')})${overriding(m, t, cols)} SELECT ${select} FROM ${from}`;
  if (t.keyUnique) {
    const keys = m.keyColumns.map((k) => q(targetName(m, k)));
    const rest = settable(m, t, cols.filter((c) => !m.keyColumns.includes(c))).map((c) => q(targetName(m, c)));
    text +=
      onConflict === 'update' && rest.length
        ? ` ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
        : ` ON CONFLICT (${keys.join(', ')}) DO NOTHING`;
  }
  return { text, values };
}

/**
 * UPDATE ... FROM unnest(...) matching on the key. For a key-changing update, `oldKeys` holds
 * the old key images and the key columns are set too.
 */
export function updateSql(m: TableMapping, t: TargetTable, rows: Row[], cols: string[], oldKeys?: Row[]): Stmt {
  const keyCols = m.keyColumns;
  const match = keyCols.map((k) => ({ col: k, rows: oldKeys ?? rows }));
  const set = (oldKeys ? cols : settable(m, t, cols.filter((c) => !keyCols.includes(c)))).map((c) => ({ col: c, rows }));
  // every column sent is part of the key: nothing to set
  if (!set.length) return { text: 'SELECT 1 WHERE false', values: [] };
  const all = [...match, ...set];
  const values = all.map((a) => textArray(a.rows.map((r) => r[a.col])));
  const from = `unnest(${all.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${all.map((_, i) => `c${i}`).join(', ')})`;
  const assignments = set.map((a, j) => `${q(targetName(m, a.col))} = ${cast(match.length + j, typeOf(t, m, a.col))}`);
  return { text: `UPDATE ${qualify(m.target)} AS t SET ${assignments.join(', ')} FROM ${from} WHERE ${matchKey(m, t)}`, values };
}

/** DELETE ... USING unnest(...) matching on the key */
export function deleteSql(m: TableMapping, t: TargetTable, rows: Row[]): Stmt {
  const keyCols = m.keyColumns;
  const { from, values } = unnestFrom(rows, keyCols);
  const where = matchKey(m, t);
  return { text: `DELETE FROM ${qualify(m.target)} AS t USING ${from} WHERE ${where}`, values };
}

/** DELETE then INSERT, for targets with no unique index on the key (upsert without ON CONFLICT) */
export function deleteThenInsert(m: TableMapping, t: TargetTable, rows: Row[], cols: string[]): Stmt[] {
  return [deleteSql(m, t, rows), upsertSql(m, { ...t, keyUnique: false }, rows, cols, 'nothing')];
}

/**
 * For a table without a unique key (REPLICA IDENTITY FULL): the change touches ONE row equal to
 * the old image, so duplicates on the destination stay exactly as many as on the source.
 */
export function deleteOneSql(m: TableMapping, t: TargetTable, before: Row): Stmt {
  const { from, values } = unnestFrom([before], m.keyColumns);
  return {
    text: `DELETE FROM ${qualify(m.target)} WHERE ctid = (SELECT t.ctid FROM ${qualify(m.target)} AS t, ${from} WHERE ${matchKey(m, t)} LIMIT 1)`,
    values,
  };
}

export function updateOneSql(m: TableMapping, t: TargetTable, before: Row, after: Row, cols: string[]): Stmt {
  const { from, values } = unnestFrom([before], m.keyColumns);
  const sets = settable(m, t, cols).map((c) => {
    values.push(after[c] as string);
    return `${q(targetName(m, c))} = $${values.length}::text::${typeOf(t, m, c)}`;
  });
  if (!sets.length) return { text: 'SELECT 1 WHERE false', values: [] };
  return {
    text: `WITH one AS (SELECT t.ctid AS tid FROM ${qualify(m.target)} AS t, ${from} WHERE ${matchKey(m, t)} LIMIT 1)
           UPDATE ${qualify(m.target)} SET ${sets.join(', ')} FROM one WHERE ${qualify(m.target)}.ctid = one.tid`,
    values,
  };
}

// ---------------------------------------------------------------- conflict detection
// These return the ordinal (1-based) of input rows, so results are matched to inputs without
// comparing values as text.

/** unnest(...) WITH ORDINALITY AS u(c0, ..., ord) over the given per-column row images */
function unnestOrd(parts: { col: string; rows: Row[] }[]): { from: string; values: string[] } {
  const values = parts.map((p) => textArray(p.rows.map((r) => r[p.col])));
  const from = `unnest(${parts.map((_, i) => `$${i + 1}::text[]`).join(', ')}) WITH ORDINALITY AS u(${parts.map((_, i) => `c${i}`).join(', ')}, ord)`;
  return { from, values };
}

/** INSERT of new rows that skips any row hitting a primary or unique key; returns the skipped */
export function insertNewSql(m: TableMapping, t: TargetTable, rows: Row[], cols: string[]): Stmt {
  const { from, values } = unnestOrd(cols.map((col) => ({ col, rows })));
  const targets = cols.map((c) => q(targetName(m, c)));
  const select = cols.map((c, i) => cast(i, typeOf(t, m, c))).join(', ');
  const keys = m.keyColumns.map((k) => q(targetName(m, k)));
  const same = m.keyColumns.map((k) => `ins.${q(targetName(m, k))} = ${cast(cols.indexOf(k), typeOf(t, m, k))}`).join(' AND ');
  return {
    text: `WITH ins AS (INSERT INTO ${qualify(m.target)} (${targets.join(', ')})${overriding(m, t, cols)} SELECT ${select} FROM ${from} ON CONFLICT DO NOTHING RETURNING ${keys.join(', ')})
           SELECT u.ord FROM ${from} WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ${same})`,
    values,
  };
}

/**
 * UPDATE matching each row on its key (`match` images) and, for `guardCols`, on the old row
 * image the source sent (`guard` images): a row the destination changed is not touched.
 * Returns the ordinals of the rows updated.
 */
export function guardedUpdateSql(
  m: TableMapping,
  t: TargetTable,
  items: { set: Row; match: Row; guard: Row | null }[],
  wanted: string[],
  guardCols: string[],
): Stmt {
  // a key column is set only when the key moves; other ALWAYS identity columns cannot be set
  const setCols = wanted.filter((c) => m.keyColumns.includes(c) || settable(m, t, [c]).length);
  const parts = [
    ...m.keyColumns.map((col) => ({ col, rows: items.map((i) => i.match) })),
    ...setCols.map((col) => ({ col, rows: items.map((i) => i.set) })),
    ...guardCols.map((col) => ({ col, rows: items.map((i) => i.guard ?? {}) })),
  ];
  const { from, values } = unnestOrd(parts);
  const k = m.keyColumns.length;
  const where = [
    matchKey(m, t),
    ...guardCols.map((c, j) => `${q('t')}.${q(targetName(m, c))}::text IS NOT DISTINCT FROM ${cast(k + setCols.length + j, typeOf(t, m, c))}::text`),
  ].join(' AND ');
  const assignments = setCols.length
    ? setCols.map((c, j) => `${q(targetName(m, c))} = ${cast(k + j, typeOf(t, m, c))}`)
    : [`${q(targetName(m, m.keyColumns[0]))} = ${q('t')}.${q(targetName(m, m.keyColumns[0]))}`];
  return { text: `UPDATE ${qualify(m.target)} AS t SET ${assignments.join(', ')} FROM ${from} WHERE ${where} RETURNING u.ord`, values };
}

/** DELETE by key; returns the ordinals of the rows found */
export function deleteReturningSql(m: TableMapping, t: TargetTable, rows: Row[]): Stmt {
  const { from, values } = unnestOrd(m.keyColumns.map((col) => ({ col, rows })));
  return { text: `DELETE FROM ${qualify(m.target)} AS t USING ${from} WHERE ${matchKey(m, t)} RETURNING u.ord`, values };
}

/** the destination rows with these keys, locked, as JSON: ordinal and image */
export function lockRowsSql(m: TableMapping, t: TargetTable, rows: Row[]): Stmt {
  const { from, values } = unnestOrd(m.keyColumns.map((col) => ({ col, rows })));
  return { text: `SELECT u.ord, row_to_json(t)::text AS image FROM ${qualify(m.target)} AS t, ${from} WHERE ${matchKey(m, t)} FOR UPDATE OF t`, values };
}

/**
 * The destination rows that stop `row` from being written: the row with its key (unless
 * `otherThanSelf`), and rows holding any of its unique values. Locked; ctid and image.
 */
export function blockersSql(m: TableMapping, t: TargetTable, row: Row, otherThanSelf: boolean): Stmt {
  const values: string[] = [];
  const param = (source: string) => {
    values.push(row[source] as string);
    return `$${values.length}::text::${typeOf(t, m, source)}`;
  };
  const bySource = new Map(m.columns.map((c) => [c.target, c.source]));
  const eq = (sources: string[]) => sources.map((s) => `${q(targetName(m, s))} = ${param(s)}`).join(' AND ');
  const self = eq(m.keyColumns);
  const uniques = t.uniques
    .map((cols) => cols.map((c) => bySource.get(c)))
    .filter((s): s is string[] => s.every((x) => x !== undefined && row[x] !== undefined && row[x] !== null))
    .map((s) => `(${eq(s)})`);
  const any = [...(otherThanSelf ? [] : [`(${self})`]), ...uniques];
  if (!any.length) return { text: 'SELECT NULL::text AS tid, NULL::text AS image WHERE false', values: [] };
  const where = `(${any.join(' OR ')})${otherThanSelf ? ` AND NOT (${self})` : ''}`;
  return { text: `SELECT ctid::text AS tid, row_to_json(t)::text AS image FROM ${qualify(m.target)} AS t WHERE ${where} FOR UPDATE`, values };
}

/**
 * A key change that UPDATE cannot apply, because the key holds a GENERATED ALWAYS identity
 * column: the row moves, deleted at its old key and inserted at the new one in one statement.
 * Columns the change leaves out (unchanged TOAST values) come from the deleted row. With
 * `guardCols`, only a row that still equals the source's old image moves (as guardedUpdateSql).
 * The caller runs it only where a DELETE cascades to nothing (session_replication_role replica).
 * Its row count is the rows moved.
 */
export function moveRowSql(m: TableMapping, t: TargetTable, before: Row, after: Row, guardCols: string[] = []): Stmt {
  const values: string[] = [];
  const param = (v: string | null | undefined, ty: string) => {
    values.push(v as string);
    return `$${values.length}::text::${ty}`;
  };
  const op = t.keyUnique ? '=' : 'IS NOT DISTINCT FROM';
  const where = [
    ...m.keyColumns.map((k) => `t.${q(targetName(m, k))} ${op} ${param(before[k], typeOf(t, m, k))}`),
    ...guardCols.map((c) => `t.${q(targetName(m, c))}::text IS NOT DISTINCT FROM ${param(before[c], typeOf(t, m, c))}::text`),
  ].join(' AND ');
  const cols = m.columns.filter((c) => t.types.has(c.target));
  const select = cols.map((c) => (after[c.source] === undefined ? `old.${q(c.target)}` : param(after[c.source], typeOf(t, m, c.source))));
  return {
    text: `WITH old AS (DELETE FROM ${qualify(m.target)} AS t WHERE ${where} RETURNING t.*)
           INSERT INTO ${qualify(m.target)} (${cols.map((c) => q(c.target)).join(', ')}) OVERRIDING SYSTEM VALUE SELECT ${select.join(', ')} FROM old`,
    values,
  };
}

/** why a key change of a GENERATED ALWAYS identity column cannot be applied, and the fix */
export function identityKeyMove(m: TableMapping, t: TargetTable): Error {
  const cols = m.keyColumns.map((k) => targetName(m, k)).filter((c) => t.alwaysIdentity.has(c));
  return new Error(
    `An update moved a row of ${m.target.schema}.${m.target.name} to another key, and the destination's ${cols.map((c) => `"${c}"`).join(', ')} is GENERATED ALWAYS AS IDENTITY, ` +
      'which UPDATE cannot set. DTS moves such a row by DELETE and INSERT only where that cascades to nothing: grant the destination account the right to set ' +
      'session_replication_role (PostgreSQL 15+: GRANT SET ON PARAMETER session_replication_role TO <account>; or a superuser), ' +
      'or make the column GENERATED BY DEFAULT on the destination, then restart the task',
  );
}

export function deleteByTidSql(m: TableMapping, tids: string[]): Stmt {
  return { text: `DELETE FROM ${qualify(m.target)} WHERE ctid = ANY($1::tid[])`, values: [textArray(tids)] };
}
