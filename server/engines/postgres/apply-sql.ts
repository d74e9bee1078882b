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
}

/** PostgreSQL array literal of text elements: {"a","b\"c",NULL} */
export function textArray(values: (string | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
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
  let text = `INSERT INTO ${qualify(m.target)} (${targets.join(', ')}) SELECT ${select} FROM ${from}`;
  if (t.keyUnique) {
    const keys = m.keyColumns.map((k) => q(targetName(m, k)));
    const rest = cols.filter((c) => !m.keyColumns.includes(c)).map((c) => q(targetName(m, c)));
    text +=
      onConflict === 'update' && rest.length
        ? ` ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
        : ` ON CONFLICT (${keys.join(', ')}) DO NOTHING`;
  }
  return { text, values };
}

/**
 * UPDATE ... FROM unnest(...) matching on the key, RETURNING the keys it found. For a
 * key-changing update, `oldKeys` holds the old key images and the key columns are set too.
 */
export function updateSql(m: TableMapping, t: TargetTable, rows: Row[], cols: string[], oldKeys?: Row[]): Stmt {
  const keyCols = m.keyColumns;
  const match = keyCols.map((k) => ({ col: k, rows: oldKeys ?? rows }));
  const set = cols.filter((c) => oldKeys || !keyCols.includes(c)).map((c) => ({ col: c, rows }));
  const all = [...match, ...set];
  const values = all.map((a) => textArray(a.rows.map((r) => r[a.col])));
  const from = `unnest(${all.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${all.map((_, i) => `c${i}`).join(', ')})`;
  const where = matchKey(m, t);
  const returning = keyCols.map((k, i) => `${q('t')}.${q(targetName(m, k))}::text AS k${i}`).join(', ');
  if (!set.length) {
    // every column is part of the key: nothing to set, but report which rows exist
    return { text: `SELECT ${returning} FROM ${qualify(m.target)} AS t, ${from} WHERE ${where}`, values };
  }
  const assignments = set.map((a, j) => `${q(targetName(m, a.col))} = ${cast(match.length + j, typeOf(t, m, a.col))}`);
  return { text: `UPDATE ${qualify(m.target)} AS t SET ${assignments.join(', ')} FROM ${from} WHERE ${where} RETURNING ${returning}`, values };
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
  const sets = cols.map((c) => {
    values.push(after[c] as string);
    return `${q(targetName(m, c))} = $${values.length}::text::${typeOf(t, m, c)}`;
  });
  return {
    text: `WITH one AS (SELECT t.ctid AS tid FROM ${qualify(m.target)} AS t, ${from} WHERE ${matchKey(m, t)} LIMIT 1)
           UPDATE ${qualify(m.target)} SET ${sets.join(', ')} FROM one WHERE ${qualify(m.target)}.ctid = one.tid`,
    values,
  };
}
