// WHERE filters per table ("Use SQL conditions to filter data") for MySQL sources. A filter is
// pasted into the full load's SELECT and evaluated over incremental changes (matchFilter), so it
// must be one boolean condition over the table's own columns and nothing else.
//
// checkFilterSyntax reads the condition with a strict tokenizer (filter-lexer.ts) and allows only
// column names, literals, operators, parentheses that never close more than they opened (so the
// condition cannot leave the `WHERE (...)` it is wrapped in), CAST/CONVERT to type names, a few
// keywords, and calls of a whitelist of side-effect-free, time-independent functions. The server
// then checks the rest (validateFilter): `SELECT 1 FROM t WHERE (cond) LIMIT 0` must run.
import { badRequest } from '../../errors';
import type { ConnectionConfig, Row, TableMapping, TableRef } from '../types';
import { describeConnectError, isConnectionError, lit, q, qualify, rows as queryRows, withConnection, type MyConnection } from './connect';
import { filterFail as fail, filterTokens } from '../shared/filter-check';
import { tokenize, type Token } from './filter-lexer';

const FIELD = 'objects.where';

const KEYWORDS = new Set([
  'and', 'or', 'xor', 'not', 'is', 'null', 'true', 'false', 'unknown', 'in', 'between', 'like', 'rlike', 'regexp',
  'sounds', 'escape', 'case', 'when', 'then', 'else', 'end', 'as', 'binary', 'collate', 'interval', 'div', 'mod',
  'from', 'for', 'using', 'both', 'leading', 'trailing', 'distinct',
]);

/** deterministic functions without side effects whose result does not depend on the clock */
const FUNCTIONS = new Set([
  'lower', 'lcase', 'upper', 'ucase', 'length', 'char_length', 'character_length', 'octet_length', 'bit_length',
  'coalesce', 'ifnull', 'nullif', 'if', 'isnull', 'greatest', 'least', 'abs', 'ceil', 'ceiling', 'floor', 'round',
  'truncate', 'mod', 'sign', 'sqrt', 'power', 'pow', 'exp', 'ln', 'log', 'log2', 'log10', 'substring', 'substr',
  'mid', 'left', 'right', 'trim', 'ltrim', 'rtrim', 'locate', 'instr', 'position', 'replace', 'concat', 'concat_ws',
  'lpad', 'rpad', 'reverse', 'repeat', 'hex', 'unhex', 'md5', 'sha1', 'sha2', 'crc32', 'date', 'time', 'year',
  'month', 'day', 'dayofmonth', 'dayofweek', 'dayofyear', 'weekday', 'week', 'quarter', 'hour', 'minute', 'second',
  'microsecond', 'extract', 'date_format', 'str_to_date', 'date_add', 'date_sub', 'adddate', 'subdate', 'datediff',
  'timestampdiff', 'timestampadd', 'to_days', 'from_days', 'time_to_sec', 'sec_to_time', 'makedate', 'maketime',
  'last_day', 'json_extract', 'json_unquote', 'json_contains', 'json_contains_path', 'json_length', 'json_type',
  'json_value', 'json_valid', 'json_keys', 'json_search', 'find_in_set', 'field', 'elt', 'strcmp', 'inet_aton',
  'inet_ntoa', 'inet6_aton', 'inet6_ntoa', 'is_ipv4', 'is_ipv6', 'conv', 'bin', 'oct', 'ascii', 'ord', 'char',
  'cast', 'convert', 'regexp_like', 'regexp_substr', 'regexp_replace', 'regexp_instr', 'soundex', 'bit_count',
]);

const TIME_DEPENDENT = new Set([
  'now', 'current_date', 'curdate', 'current_time', 'curtime', 'current_timestamp', 'localtime', 'localtimestamp',
  'sysdate', 'utc_date', 'utc_time', 'utc_timestamp', 'unix_timestamp', 'rand', 'uuid', 'uuid_short', 'sys_guid',
  'connection_id', 'current_user', 'current_role', 'user', 'session_user', 'system_user', 'database', 'schema',
  'version', 'last_insert_id', 'row_count', 'found_rows', 'nextval', 'lastval', 'setval',
]);

/** words that start statements, subqueries or clauses */
const FORBIDDEN = new Set([
  'select', 'insert', 'update', 'delete', 'with', 'values', 'table', 'union', 'intersect', 'except', 'into',
  'returning', 'drop', 'create', 'alter', 'rename', 'grant', 'revoke', 'execute', 'prepare', 'deallocate', 'call',
  'do', 'handler', 'load', 'show', 'kill', 'flush', 'lock', 'unlock', 'exists', 'lateral', 'order', 'group', 'having',
  'limit', 'offset', 'procedure', 'where', 'join', 'on', 'set', 'outfile', 'dumpfile', 'match', 'against', 'default',
  'row', 'window', 'over', 'partition', 'sleep', 'benchmark', 'get_lock', 'release_lock', 'load_file',
]);

/** words that make a typed literal when a string follows: DATE '2024-01-01' */
const TYPED_LITERALS = new Set(['date', 'time', 'timestamp']);

export interface ParsedFilter {
  /** names the condition may use as columns, lower-cased (MySQL column names ignore case) */
  names: string[];
}

/** Reads a CAST/CONVERT type at t[j]; returns the index after it. */
function skipTypeName(t: Token[], j: number, field: string): number {
  const word = (k: number) => (t[k]?.kind === 'word' ? t[k].value : '');
  if (!word(j)) fail('a type name must follow AS in CAST, e.g. CAST(price AS DECIMAL(12,2))', field);
  const base = word(j);
  j++;
  if ((base === 'signed' || base === 'unsigned') && (word(j) === 'integer' || word(j) === 'int')) j++;
  if (base === 'double' && word(j) === 'precision') j++;
  if (t[j]?.kind === '(') {
    let k = j + 1;
    while (t[k] && (t[k].kind === 'number' || t[k].kind === ',')) k++;
    if (t[k]?.kind !== ')') fail('a type length may only hold numbers, e.g. DECIMAL(12,2)', field);
    j = k + 1;
  }
  if (word(j) === 'character' && word(j + 1) === 'set' && word(j + 2)) j += 3;
  else if (word(j) === 'charset' && word(j + 1)) j += 2;
  else if (['ascii', 'unicode', 'binary'].includes(word(j))) j++;
  return j;
}

/**
 * Checks a WHERE condition and returns the names it may use as columns. Throws badRequest naming
 * the problem and the fix.
 */
export function parseFilter(where: string, field = FIELD): ParsedFilter {
  const t: Token[] = filterTokens(where, field, (src) => tokenize(src));
  const names = new Set<string>();
  // open CAST( and CONVERT( calls, to read the type after AS or after CONVERT's comma
  const casts: { depth: number; fn: string }[] = [];
  const inCall = (fn: string) => casts[casts.length - 1]?.depth === depth && casts[casts.length - 1]?.fn === fn;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    const next = t[i + 1];
    switch (tok.kind) {
      case '(':
        depth++;
        break;
      case ')':
        if (casts[casts.length - 1]?.depth === depth) casts.pop();
        if (--depth < 0) fail(`")" at character ${tok.start + 1} has no matching "(". Balance the parentheses.`, field);
        break;
      case '.':
        fail(`qualified names such as t.col are not allowed (at character ${tok.start + 1}). Refer to columns by their name alone.`, field);
        break;
      case ',':
        // CONVERT(expr, type)
        if (inCall('convert')) i = skipTypeName(t, i + 1, field) - 1;
        break;
      case 'string':
      case 'number':
      case 'op':
        break;
      case 'qident':
        if (next?.kind === '(') fail(`calling the function \`${tok.value}\` is not allowed. Allowed functions: ${[...FUNCTIONS].sort().join(', ')}.`, field);
        names.add(tok.value.toLowerCase());
        break;
      case 'word': {
        const w = tok.value;
        if (TIME_DEPENDENT.has(w)) {
          fail(`${tok.text} is not allowed: its value depends on the time, the session or chance, so full and incremental data would be filtered differently. Compare with a constant instead, e.g. created_at >= '2024-01-01'.`, field);
        }
        if (FORBIDDEN.has(w)) {
          fail(`the SQL keyword ${tok.text.toUpperCase()} is not allowed: subqueries and statements cannot be used in a filter. If it is a column name, quote it: \`${tok.text}\`.`, field);
        }
        if (next?.kind === '(' && !KEYWORDS.has(w)) {
          if (!FUNCTIONS.has(w)) fail(`the function ${tok.text}() is not allowed. Allowed functions: ${[...FUNCTIONS].sort().join(', ')}.`, field);
          if (w === 'cast' || w === 'convert') casts.push({ depth: depth + 1, fn: w });
          break;
        }
        if (w.startsWith('_') && next?.kind === 'string') {
          // character set introducer: _utf8mb4'text'
          i++;
          break;
        }
        if (TYPED_LITERALS.has(w) && next?.kind === 'string') {
          i++;
          break;
        }
        if (KEYWORDS.has(w)) {
          if (w === 'as') {
            if (!inCall('cast')) fail('AS is only allowed inside CAST(... AS type).', field);
            i = skipTypeName(t, i + 1, field) - 1;
          } else if (w === 'collate') {
            if (next?.kind !== 'word' && next?.kind !== 'qident' && next?.kind !== 'string') fail('COLLATE must be followed by a collation name, e.g. COLLATE utf8mb4_bin.', field);
            i++;
          } else if (w === 'using') {
            if (next?.kind !== 'word') fail('USING must be followed by a character set name, e.g. CONVERT(name USING utf8mb4).', field);
            i++;
          }
          break;
        }
        // a column name, or a unit word (INTERVAL 1 DAY, EXTRACT(YEAR FROM d)): names are a superset
        names.add(w);
        break;
      }
    }
  }
  if (depth !== 0) fail(`${depth} "(" without a matching ")". Balance the parentheses.`, field);
  return { names: [...names] };
}

/** Throws badRequest if `where` is not an acceptable filter (see parseFilter). */
export function checkFilterSyntax(where: string, field = FIELD): void {
  parseFilter(where, field);
}

/** validateFilter on an open connection (precheck reuses its connection). */
export async function validateFilterOn(c: MyConnection, table: TableRef, where: string, field = FIELD): Promise<void> {
  checkFilterSyntax(where, field);
  try {
    // LIMIT 0: the server resolves names and types but reads no row
    await c.query(`SELECT 1 FROM ${qualify(table)} WHERE (${where}) LIMIT 0`);
  } catch (e) {
    if (isConnectionError(e)) throw e;
    const msg = (e as { message?: string }).message ?? String(e);
    throw badRequest(`The WHERE condition of table ${qualify(table)} is not valid: ${msg}. Correct the condition; it may only use the source table's column names.`, field);
  }
}

export async function validateFilter(cfg: ConnectionConfig, table: TableRef, where: string): Promise<void> {
  checkFilterSyntax(where);
  try {
    await withConnection(cfg, (c) => validateFilterOn(c, table, where));
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (isConnectionError(e) || /ACCESS_DENIED|BAD_DB|NOT_SUPPORTED_AUTH/.test(code)) {
      throw new Error(`Cannot check the WHERE condition of ${qualify(table)}: ${describeConnectError(e, cfg).error}`);
    }
    throw e;
  }
}

export interface ColumnType {
  name: string;
  dataType: string;
  columnType: string;
  charset: string | null;
  collation: string | null;
}

const typeCache = new WeakMap<MyConnection, Map<string, Map<string, ColumnType>>>();

/** Column types of a table as seen on `c`, by lower-cased name (cached per connection and table). */
export async function sourceColumnTypes(c: MyConnection, table: TableRef): Promise<Map<string, ColumnType>> {
  let perConn = typeCache.get(c);
  if (!perConn) typeCache.set(c, (perConn = new Map()));
  const key = `${table.schema}\u0000${table.name}`;
  const hit = perConn.get(key);
  if (hit) return hit;
  const r = await queryRows<ColumnType>(c,
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
    [table.schema, table.name],
  );
  const types = new Map(r.map((x) => [x.name.toLowerCase(), x]));
  perConn.set(key, types);
  return types;
}

/**
 * SQL turning a canonical text value (the `?` in the result, replaced by the caller with a
 * literal) into a value of the column's type.
 */
export function castFor(t: ColumnType): string {
  const dt = t.dataType.toLowerCase();
  const ct = t.columnType.toLowerCase();
  const unsigned = /unsigned/.test(ct);
  const len = /^\w+(\([\d,]+\))/.exec(ct)?.[1] ?? '';
  if (/^(tinyint|smallint|mediumint|int|integer|bigint|year)$/.test(dt)) return `CAST(? AS ${unsigned || dt === 'year' ? 'UNSIGNED' : 'SIGNED'})`;
  if (dt === 'decimal' || dt === 'numeric') return `CAST(? AS DECIMAL${len || '(65,30)'})`;
  if (dt === 'float') return 'CAST(? AS FLOAT)';
  if (dt === 'double' || dt === 'real') return 'CAST(? AS DOUBLE)';
  if (dt === 'date') return 'CAST(? AS DATE)';
  if (dt === 'datetime' || dt === 'timestamp') return `CAST(? AS DATETIME${len})`;
  if (dt === 'time') return `CAST(? AS TIME${len})`;
  if (dt === 'bit') return 'CAST(CONV(?, 16, 10) AS UNSIGNED)';
  if (dt === 'json') return 'CAST(? AS JSON)';
  if (dt === 'uuid' || dt === 'inet6' || dt === 'inet4') return `CAST(? AS ${dt.toUpperCase()})`;
  if (t.charset && t.collation) return `CONVERT(? USING ${t.charset}) COLLATE ${t.collation}`;
  // binary strings, blobs, geometry: the value is hex
  return 'UNHEX(?)';
}

const ROWS_PER_QUERY = 500;
const MAX_QUERY_BYTES = 4 * 1024 * 1024;
const ORD = 'dts$ord';

/**
 * Evaluates the mapping's WHERE condition for many rows on the source connection `c`, a few
 * hundred rows per round trip. Values are canonical text (types.ts) and each is cast to its
 * column's type and collation, so comparisons behave as on the source table. A row that lacks a
 * column the condition uses (undefined) counts as matching. ENUM and SET columns compare as their
 * text (a condition on an ENUM's index number is evaluated on the text).
 */
export async function matchFilter(c: MyConnection, m: TableMapping, rows: Row[]): Promise<boolean[]> {
  const result = rows.map(() => true);
  if (!m.where || rows.length === 0) return result;
  const where = m.where;
  const types = await sourceColumnTypes(c, m.source);
  const cols = parseFilter(where).names.map((n) => types.get(n)).filter((x): x is ColumnType => x !== undefined);
  const value = (r: Row, col: string): string | null | undefined => {
    if (col in r) return r[col];
    const k = Object.keys(r).find((x) => x.toLowerCase() === col.toLowerCase());
    return k === undefined ? undefined : r[k];
  };
  const todo: number[] = [];
  rows.forEach((r, i) => {
    if (cols.every((col) => value(r, col.name) !== undefined)) todo.push(i);
  });
  // literals are pasted, not sent as `?` parameters: mysql2 would also replace a `?` inside a
  // string literal of the condition
  const casts = cols.map((col) => castFor(col).split('?'));
  const run = async (selects: string[]) => {
    const sql = `SELECT t.${q(ORD)} AS ord FROM (${selects.join(' UNION ALL ')}) AS t WHERE (${where})`;
    for (const r of await queryRows<{ ord: string }>(c, sql)) result[Number(r.ord)] = true;
  };
  let selects: string[] = [];
  let bytes = 0;
  for (const idx of todo) {
    result[idx] = false;
    const values = cols.map((col, k) => {
      const v = value(rows[idx], col.name);
      return `${casts[k].join(v === null || v === undefined ? 'NULL' : lit(v))} AS ${q(col.name)}`;
    });
    const sel = `SELECT ${idx} AS ${q(ORD)}${values.map((v) => `, ${v}`).join('')}`;
    selects.push(sel);
    bytes += sel.length;
    // a few hundred rows, and well under max_allowed_packet, per round trip
    if (selects.length >= ROWS_PER_QUERY || bytes > MAX_QUERY_BYTES) {
      await run(selects);
      selects = [];
      bytes = 0;
    }
  }
  if (selects.length) await run(selects);
  return result;
}
