// SQL text for writing rows on a MySQL target. Values arrive as canonical text (types.ts) and go
// into the statement as literals typed by the DESTINATION column: bytes as X'..', numbers
// unquoted (after a syntax check), everything else as an escaped string. One statement carries
// many rows (multi-row INSERT, IN lists), bounded by a byte budget below max_allowed_packet.
// Also the two bulk loaders: multi-row INSERT and LOAD DATA LOCAL INFILE.
import { Readable } from 'node:stream';
import type { ResultSetHeader } from 'mysql2';
import type { Row, TableMapping } from '../types';
import { lit, q, qualify, rows, type MyConnection } from './connect';
import { isBinaryType, isNumericType } from './types';

export interface TargetColumn {
  /** information_schema DATA_TYPE, e.g. "varchar" */
  dataType: string;
  binary: boolean;
  numeric: boolean;
}

export interface TargetTable {
  /** target column name -> type */
  columns: Map<string, TargetColumn>;
  /** a unique index (or the primary key) covers exactly the key columns: ON DUPLICATE KEY works */
  keyUnique: boolean;
  /** target column names of each unique index (the primary key too) */
  uniques: string[][];
  /** the table has a unique index other than the key's: an upsert must not update another row */
  otherUniques: boolean;
}

/** describes a destination table: its columns and unique indexes */
export async function describeTable(c: MyConnection, m: TableMapping): Promise<TargetTable> {
  const cols = await rows<{ name: string; type: string }>(
    c,
    'SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [m.target.schema, m.target.name],
  );
  if (!cols.length) throw new Error(`table ${m.target.schema}.${m.target.name} does not exist on the destination (or the account may not see it)`);
  const idx = await rows<{ name: string; col: string }>(
    c,
    `SELECT INDEX_NAME AS name, COLUMN_NAME AS col FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND COLUMN_NAME IS NOT NULL ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [m.target.schema, m.target.name],
  );
  const byIndex = new Map<string, string[]>();
  for (const r of idx) byIndex.set(r.name, [...(byIndex.get(r.name) ?? []), r.col]);
  const uniques = [...byIndex.values()];
  const keyTargets = m.keyColumns.map((k) => targetName(m, k)).sort();
  const isKey = (u: string[]) => u.length === keyTargets.length && [...u].sort().every((x, i) => x === keyTargets[i]);
  const keyUnique = keyTargets.length > 0 && uniques.some(isKey);
  const columns = new Map(cols.map((r) => [r.name, { dataType: r.type, binary: isBinaryType(r.type), numeric: isNumericType(r.type) }]));
  return { columns, keyUnique, uniques, otherUniques: uniques.some((u) => !isKey(u)) };
}

export function targetName(m: TableMapping, source: string): string {
  const c = m.columns.find((x) => x.source === source);
  if (!c) throw new Error(`column ${source} of ${m.source.schema}.${m.source.name} is not mapped`);
  return c.target;
}

function columnOf(t: TargetTable, m: TableMapping, source: string): TargetColumn {
  const name = targetName(m, source);
  const col = t.columns.get(name);
  if (!col) throw new Error(`column ${name} does not exist in ${m.target.schema}.${m.target.name} on the destination`);
  return col;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** a value as a SQL literal for a column of this type */
export function literal(col: TargetColumn, v: string | null | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  if (col.binary && HEX.test(v)) return `X'${v}'`;
  if (col.numeric && NUMBER.test(v)) return v;
  return lit(v);
}

/** `<column> <=> <value>` that holds when the stored value is exactly the canonical text `v` */
export function sameValue(col: TargetColumn, ident: string, v: string | null | undefined): string {
  if (v === null || v === undefined) return `${ident} IS NULL`;
  const ty = col.dataType.toLowerCase();
  if (ty === 'bit' && /^[0-9a-fA-F]+$/.test(v)) return `${ident} <=> 0x${v}`;
  if (col.binary) return `CAST(${ident} AS BINARY) <=> ${literal(col, v)}`;
  if (ty === 'float' && NUMBER.test(v)) return `${ident} <=> CAST(${v} AS FLOAT)`;
  if (col.numeric) return `${ident} <=> ${literal(col, v)}`;
  if (/char|text|enum|set|json/.test(ty)) return `CONVERT(${ident} USING utf8mb4) COLLATE utf8mb4_bin <=> CONVERT(${lit(v)} USING utf8mb4) COLLATE utf8mb4_bin`;
  return `${ident} <=> ${lit(v)}`;
}

/** "(v1, v2, ...)" of a row over source columns */
export function tuple(m: TableMapping, t: TargetTable, row: Row, cols: string[]): string {
  let s = '(';
  for (let i = 0; i < cols.length; i++) {
    if (i) s += ', ';
    s += literal(columnOf(t, m, cols[i]), row[cols[i]]);
  }
  return `${s})`;
}

export function insertHead(m: TableMapping, cols: string[]): string {
  return `INSERT INTO ${qualify(m.target)} (${cols.map((c) => q(targetName(m, c))).join(', ')}) VALUES `;
}

/**
 * The ON DUPLICATE KEY UPDATE clause of an upsert: the row with the same key takes the image.
 * When the table has another unique index, a row could instead collide with a DIFFERENT row on
 * that index, and MySQL would update that one: the first assignment then sets the key to NULL,
 * which fails (1048), so the caller replays the run in source order.
 */
export function upsertTail(m: TableMapping, t: TargetTable, cols: string[]): string {
  const keys = m.keyColumns.map((k) => q(targetName(m, k)));
  const sets: string[] = [];
  if (t.otherUniques) {
    const same = keys.map((k) => `${k} <=> VALUES(${k})`).join(' AND ');
    sets.push(`${keys[0]} = IF(${same}, ${keys[0]}, NULL)`);
  }
  for (const c of cols) {
    if (m.keyColumns.includes(c)) continue;
    const n = q(targetName(m, c));
    sets.push(`${n} = VALUES(${n})`);
  }
  if (!sets.length) sets.push(`${keys[0]} = ${keys[0]}`);
  return ` ON DUPLICATE KEY UPDATE ${sets.join(', ')}`;
}

/** merge load: rows whose key exists stay as they are */
export function keepTail(m: TableMapping): string {
  const k = q(targetName(m, m.keyColumns[0] ?? m.columns[0].source));
  return ` ON DUPLICATE KEY UPDATE ${k} = ${k}`;
}

/** the row match on the key: `=` on a unique key, `<=>` on all columns of a keyless table */
export function keyMatch(m: TableMapping, t: TargetTable, row: Row): string {
  return m.keyColumns
    .map((k) => {
      const col = columnOf(t, m, k);
      const id = q(targetName(m, k));
      return t.keyUnique ? `${id} = ${literal(col, row[k])}` : sameValue(col, id, row[k]);
    })
    .join(' AND ');
}

/** DELETE of many rows by key */
export function deleteSql(m: TableMapping, t: TargetTable, keyRows: Row[]): string {
  const head = `DELETE FROM ${qualify(m.target)} WHERE `;
  if (!t.keyUnique) return head + keyRows.map((r) => `(${keyMatch(m, t, r)})`).join(' OR ');
  if (m.keyColumns.length === 1) {
    const k = m.keyColumns[0];
    const col = columnOf(t, m, k);
    return `${head}${q(targetName(m, k))} IN (${keyRows.map((r) => literal(col, r[k])).join(', ')})`;
  }
  const ids = m.keyColumns.map((k) => q(targetName(m, k))).join(', ');
  return `${head}(${ids}) IN (${keyRows.map((r) => tuple(m, t, r, m.keyColumns)).join(', ')})`;
}

/** UPDATE of one row matched on `match`'s key (and, with `guard`, on those old values) */
export function updateOneSql(m: TableMapping, t: TargetTable, set: Row, cols: string[], match: Row, guard?: { row: Row; cols: string[] }): string {
  const sets = cols.map((c) => `${q(targetName(m, c))} = ${literal(columnOf(t, m, c), set[c])}`);
  if (!sets.length) {
    const k = q(targetName(m, m.keyColumns[0]));
    sets.push(`${k} = ${k}`);
  }
  const where = [keyMatch(m, t, match), ...(guard?.cols ?? []).map((c) => sameValue(columnOf(t, m, c), q(targetName(m, c)), guard?.row[c]))];
  return `UPDATE ${qualify(m.target)} SET ${sets.join(', ')} WHERE ${where.join(' AND ')}${t.keyUnique ? '' : ' LIMIT 1'}`;
}

/** DELETE of one row (keyless tables: one of equal duplicates) */
export function deleteOneSql(m: TableMapping, t: TargetTable, row: Row): string {
  return `DELETE FROM ${qualify(m.target)} WHERE ${keyMatch(m, t, row)}${t.keyUnique ? '' : ' LIMIT 1'}`;
}

/** every mapped column of the rows with this key, locked */
export function lockRowSql(m: TableMapping, t: TargetTable, row: Row): string {
  const cols = m.columns.map((c) => q(c.target)).join(', ');
  return `SELECT ${cols} FROM ${qualify(m.target)} WHERE ${keyMatch(m, t, row)} FOR UPDATE`;
}

/**
 * The destination rows stopping `row` from being written: rows with its key or any of its
 * unique values, locked, except the row with the key of `self` (the row being updated).
 */
export function blockersSql(m: TableMapping, t: TargetTable, row: Row, self: Row | null): string {
  const bySource = new Map(m.columns.map((c) => [c.target, c.source]));
  const eq = (sources: string[]) => sources.map((s) => `${q(targetName(m, s))} = ${literal(columnOf(t, m, s), row[s])}`).join(' AND ');
  const uniques = t.uniques
    .map((cols) => cols.map((c) => bySource.get(c)))
    .filter((s): s is string[] => s.every((x) => x !== undefined && row[x] !== undefined && row[x] !== null))
    .map((s) => `(${eq(s)})`);
  const any = [`(${keyMatch(m, t, row)})`, ...uniques];
  const cols = m.columns.map((c) => q(c.target)).join(', ');
  return `SELECT ${cols} FROM ${qualify(m.target)} WHERE (${any.join(' OR ')})${self ? ` AND NOT (${keyMatch(m, t, self)})` : ''} FOR UPDATE`;
}

/** DELETE of destination rows given by their images (keyed by destination column) */
export function deleteImagesSql(m: TableMapping, t: TargetTable, images: Record<string, unknown>[]): string {
  const keyRows = images.map((img) => Object.fromEntries(m.keyColumns.map((k) => [k, img[targetName(m, k)] as string | null])) as Row);
  return deleteSql(m, t, keyRows);
}

// ---------------------------------------------------------------- bulk load

/** bytes of SQL text per statement, at most (and below max_allowed_packet) */
export const STMT_BYTES = 4 << 20;

/** rows a multi-row INSERT added ("Records: 3  Duplicates: 1  Warnings: 0"), else affectedRows */
function inserted(r: ResultSetHeader): number {
  const m = /Records:\s*(\d+)\s+(?:Duplicates|Deleted):\s*(\d+)(?:\s+Skipped:\s*(\d+))?/.exec(r.info ?? '');
  if (!m) return r.affectedRows;
  return Number(m[1]) - Number(m[3] ?? m[2]);
}

/**
 * The largest statement this server takes (with room for the protocol), and whether it accepts
 * LOAD DATA LOCAL INFILE (MariaDB: on by default; MySQL 8: off by default).
 */
export async function serverLimits(c: MyConnection): Promise<{ budget: number; infile: boolean }> {
  const r = await rows<{ p: string; f: string }>(c, 'SELECT @@max_allowed_packet AS p, @@local_infile AS f');
  const budget = Math.max(64 << 10, Math.min(STMT_BYTES, Number(r[0]?.p ?? STMT_BYTES) - (64 << 10)));
  return { budget, infile: String(r[0]?.f) === '1' };
}

/**
 * Bulk-loads row batches with multi-row INSERT statements of about `budget` bytes, in one
 * transaction (a failed chunk leaves nothing). The next statement is built while the server
 * runs the previous one. `merge` keeps rows whose key exists.
 */
export async function insertRows(c: MyConnection, m: TableMapping, t: TargetTable, batches: AsyncIterable<Row[]>, mode: 'empty' | 'merge', budget: number, onProgress?: (bytes: number) => void): Promise<{ rows: number; bytes: number }> {
  const cols = m.columns.map((x) => x.source);
  const head = insertHead(m, cols);
  const tail = mode === 'merge' ? keepTail(m) : '';
  let rows = 0;
  let bytes = 0;
  let failure: unknown = null;
  let pending: Promise<void> = Promise.resolve();
  const send = async (sql: string, size: number) => {
    await pending;
    if (failure) throw failure;
    pending = c.query(sql).then(
      ([r]) => {
        rows += inserted(r as ResultSetHeader);
        onProgress?.(size);
      },
      (e: unknown) => {
        failure = e;
      },
    );
  };
  await c.query('START TRANSACTION');
  try {
    let parts: string[] = [];
    let size = head.length + tail.length;
    for await (const batch of batches) {
      for (const row of batch) {
        const s = tuple(m, t, row, cols);
        if (parts.length && size + s.length + 2 > budget) {
          await send(head + parts.join(', ') + tail, size);
          parts = [];
          size = head.length + tail.length;
        }
        parts.push(s);
        size += s.length + 2;
        bytes += s.length;
      }
    }
    if (parts.length) await send(head + parts.join(', ') + tail, size);
    await pending;
    if (failure) throw failure;
    await c.query('COMMIT');
    return { rows, bytes };
  } catch (e) {
    await pending;
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

const INFILE_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/**
 * Bulk-loads row batches with LOAD DATA LOCAL INFILE from a stream (tab-separated, bytes as hex
 * through UNHEX). LOCAL turns duplicate keys into skipped rows, so `merge` needs nothing more;
 * other warnings (a value the column does not take) fail the chunk.
 */
export async function infileRows(c: MyConnection, m: TableMapping, t: TargetTable, batches: AsyncIterable<Row[]>, mode: 'empty' | 'merge', onProgress?: (bytes: number) => void): Promise<{ rows: number; bytes: number }> {
  const cols = m.columns.map((x) => x.source);
  const binary = m.columns.map((x) => t.columns.get(x.target)?.binary ?? false);
  const vars = m.columns.map((x, i) => (binary[i] ? `@v${i}` : q(x.target)));
  const sets = m.columns.flatMap((x, i) => (binary[i] ? [`${q(x.target)} = UNHEX(@v${i})`] : []));
  const sql =
    `LOAD DATA LOCAL INFILE 'dts-rows' IGNORE INTO TABLE ${qualify(m.target)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${vars.join(', ')})${sets.length ? ` SET ${sets.join(', ')}` : ''}`;
  let bytes = 0;
  async function* lines(): AsyncGenerator<Buffer> {
    for await (const batch of batches) {
      let out = '';
      for (const row of batch) {
        for (let i = 0; i < cols.length; i++) {
          const v = row[cols[i]];
          if (i) out += '\t';
          out += v === null || v === undefined ? '\\N' : v.replace(/[\\\t\n\r\0]/g, (ch) => INFILE_ESCAPES[ch]);
        }
        out += '\n';
      }
      const b = Buffer.from(out, 'utf8');
      bytes += b.length;
      onProgress?.(b.length);
      yield b;
    }
  }
  await c.query('START TRANSACTION');
  try {
    const [r] = await c.query({ sql, infileStreamFactory: () => Readable.from(lines()) });
    const h = r as ResultSetHeader;
    const skipped = Number(/Skipped:\s*(\d+)/.exec(h.info ?? '')?.[1] ?? 0);
    if (h.warningStatus > skipped || (mode === 'empty' && skipped > 0)) {
      const w = await rows<{ Message: string }>(c, 'SHOW WARNINGS LIMIT 3');
      throw new Error(`loading ${m.target.schema}.${m.target.name} failed: ${w.map((x) => x.Message).join('; ') || `${skipped} rows skipped`}`);
    }
    await c.query('COMMIT');
    return { rows: h.affectedRows, bytes };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

