// WHERE filters per table ("Use SQL conditions to filter data"). A filter is applied to the full
// load (in the COPY query) and to incremental changes (matchFilter), so it is pasted into SQL we
// run: it must be one boolean condition over the table's own columns and nothing else.
//
// checkFilterSyntax reads the condition with a real tokenizer (sql-lexer.ts) and allows only:
// column names, literals, a list of operators, parentheses that never close more than they
// opened (so the condition cannot leave the `WHERE (...)` it is wrapped in), casts to type names,
// a few SQL keywords, and calls of a whitelist of side-effect-free, time-independent functions.
// Everything else (`;`, comments, dollar quotes, subqueries, statements, other functions) is
// rejected with a message that names the problem and the fix. The server then checks the rest
// (validateFilter): the condition must plan against the table inside a READ ONLY transaction.
import type pg from 'pg';
import { badRequest } from '../../errors';
import type { ConnectionConfig, Row, TableMapping, TableRef } from '../types';
import { describeConnectError, isConnectionError, q, qualify, withClient } from './connect';
import { filterFail as fail, filterTokens } from '../shared/filter-check';
import { tokenize, type Token } from './sql-lexer';

const FIELD = 'objects.where';

const KEYWORDS = new Set([
  'and', 'or', 'not', 'is', 'null', 'true', 'false', 'unknown', 'in', 'between', 'symmetric', 'asymmetric',
  'like', 'ilike', 'similar', 'to', 'escape', 'case', 'when', 'then', 'else', 'end', 'cast', 'as',
  'distinct', 'from', 'any', 'all', 'some', 'array', 'isnull', 'notnull', 'at', 'collate', 'for',
  'both', 'leading', 'trailing',
]);

/** immutable or stable functions without side effects whose result does not depend on the clock */
const FUNCTIONS = new Set([
  'lower', 'upper', 'length', 'char_length', 'character_length', 'octet_length', 'bit_length',
  'coalesce', 'nullif', 'greatest', 'least', 'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'mod',
  'sign', 'sqrt', 'cbrt', 'power', 'exp', 'ln', 'log', 'div', 'date_trunc', 'date_part', 'extract',
  'substring', 'substr', 'trim', 'btrim', 'ltrim', 'rtrim', 'position', 'strpos', 'replace', 'translate',
  'left', 'right', 'concat', 'concat_ws', 'split_part', 'starts_with', 'md5', 'lpad', 'rpad', 'reverse',
  'initcap', 'to_char', 'to_number', 'to_date', 'to_timestamp', 'array_length', 'cardinality',
  'array_position', 'regexp_replace', 'regexp_match', 'num_nulls', 'num_nonnulls', 'isfinite',
  'jsonb_extract_path_text', 'json_extract_path_text', 'jsonb_typeof', 'json_typeof',
  'jsonb_array_length', 'json_array_length', 'hashtext',
]);

const TIME_DEPENDENT = new Set([
  'now', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'clock_timestamp',
  'statement_timestamp', 'transaction_timestamp', 'timeofday', 'age', 'random', 'random_normal', 'gen_random_uuid',
  'uuid_generate_v4', 'current_user', 'session_user', 'user', 'current_role', 'current_catalog', 'current_schema',
  'system_user',
]);

/** reserved words that are not in KEYWORDS, plus words that start statements */
const FORBIDDEN = new Set([
  'select', 'insert', 'update', 'delete', 'merge', 'with', 'values', 'table', 'union', 'intersect', 'except',
  'into', 'returning', 'drop', 'create', 'alter', 'truncate', 'grant', 'revoke', 'copy', 'execute', 'call',
  'do', 'exists', 'lateral', 'order', 'group', 'having', 'limit', 'offset', 'fetch', 'window', 'where',
  'on', 'only', 'using', 'join', 'set', 'reset', 'lock', 'vacuum', 'analyze', 'analyse', 'begin', 'commit',
  'rollback', 'listen', 'notify', 'load', 'prepare', 'deallocate', 'declare', 'check', 'column',
  'constraint', 'default', 'deferrable', 'foreign', 'primary', 'references', 'unique', 'variadic',
  'placing', 'initially', 'asc', 'desc', 'row',
]);

const OPERATORS = new Set([
  '=', '<>', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '^', '||', '~~', '!~~', '~~*', '!~~*',
  '~', '~*', '!~', '!~*', '->', '->>', '#>', '#>>', '@>', '<@', '?', '?|', '?&', '&&', '|/', '||/', '@',
  '&', '|', '#', '<<', '>>',
]);

/** words that make a typed literal when a string follows: DATE '2024-01-01' */
const TYPED_LITERALS = new Set(['date', 'time', 'timestamp', 'timestamptz', 'interval', 'numeric', 'uuid', 'inet', 'jsonb', 'json', 'boolean', 'int', 'integer', 'bigint', 'text']);

export interface ParsedFilter {
  /** names of the columns the condition refers to, as PostgreSQL resolves them */
  columns: string[];
}

/** Reads a type name at tokens[j] (after :: or AS); returns the index after it. */
function skipTypeName(t: Token[], j: number, field: string): number {
  const tok = t[j];
  if (!tok || (tok.kind !== 'word' && tok.kind !== 'qident')) fail('a type name must follow "::" or AS, e.g. price::numeric', field);
  j++;
  if (tok.kind === 'word') {
    const w = tok.value;
    const next = () => (t[j]?.kind === 'word' ? t[j].value : '');
    if (w === 'double' && next() === 'precision') j++;
    else if (['character', 'char', 'bit', 'national'].includes(w) && next() === 'varying') j++;
    else if (w === 'time' || w === 'timestamp') {
      if (t[j]?.kind === '(' && t[j + 1]?.kind === 'number' && t[j + 2]?.kind === ')') j += 3;
      if ((next() === 'with' || next() === 'without') && t[j + 1]?.value === 'time' && t[j + 2]?.value === 'zone') j += 3;
    }
  }
  if (t[j]?.kind === '(') {
    let k = j + 1;
    while (t[k] && (t[k].kind === 'number' || t[k].kind === ',')) k++;
    if (t[k]?.kind !== ')') fail('a type modifier may only hold numbers, e.g. numeric(12,2)', field);
    j = k + 1;
  }
  while (t[j]?.kind === '[') {
    let k = j + 1;
    if (t[k]?.kind === 'number') k++;
    if (t[k]?.kind !== ']') fail('an array type is written type[]', field);
    j = k + 1;
  }
  return j;
}

/**
 * Checks a WHERE condition and returns the columns it refers to. Throws badRequest naming the
 * problem and the fix.
 */
export function parseFilter(where: string, field = FIELD): ParsedFilter {
  const t: Token[] = filterTokens(where, field, (src) => tokenize(src, true));
  const columns = new Set<string>();
  let depth = 0;
  let brackets = 0;
  let fieldAt = -1;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    const next = t[i + 1];
    switch (tok.kind) {
      case '(':
        depth++;
        break;
      case ')':
        if (--depth < 0) fail(`")" at character ${tok.start + 1} has no matching "(". Balance the parentheses.`, field);
        break;
      case '[':
        brackets++;
        break;
      case ']':
        if (--brackets < 0) fail(`"]" at character ${tok.start + 1} has no matching "[".`, field);
        break;
      case ':':
        if (brackets === 0) fail(`":" at character ${tok.start + 1} is only allowed in array slices such as a[1:2]; casts are written ::type.`, field);
        break;
      case '.':
        fail(`qualified names such as t.col are not allowed (at character ${tok.start + 1}). Refer to columns by their name alone.`, field);
        break;
      case ';':
        fail('";" is not allowed: a filter is one condition.', field);
        break;
      case 'string':
      case 'number':
      case ',':
        break;
      case 'op':
        if (tok.text === '::') {
          i = skipTypeName(t, i + 1, field) - 1;
        } else if (!OPERATORS.has(tok.text)) {
          fail(`the operator ${tok.text} is not allowed. Use comparison, arithmetic, LIKE, || or JSON operators.`, field);
        }
        break;
      case 'qident':
        if (next?.kind === '(') fail(`calling the function "${tok.value}" is not allowed. Allowed functions: ${[...FUNCTIONS].sort().join(', ')}.`, field);
        columns.add(tok.value);
        break;
      case 'word': {
        const w = tok.value;
        if (i === fieldAt) break;
        if (TIME_DEPENDENT.has(w)) {
          fail(`${tok.text} is not allowed: its value depends on the time, the session or chance, so full and incremental data would be filtered differently. Compare with a constant instead, e.g. created_at >= '2024-01-01'.`, field);
        }
        if (next?.kind === '(' && !KEYWORDS.has(w)) {
          if (FORBIDDEN.has(w)) fail(`${tok.text.toUpperCase()} is not allowed: subqueries and statements cannot be used in a filter.`, field);
          if (!FUNCTIONS.has(w)) fail(`the function ${tok.text}() is not allowed. Allowed functions: ${[...FUNCTIONS].sort().join(', ')}.`, field);
          // EXTRACT(field FROM x): the first word is a field name, not a column
          if (w === 'extract' && t[i + 2]?.kind === 'word') fieldAt = i + 2;
          break;
        }
        if (w === 'array' && next?.kind === '(') fail('ARRAY(subquery) is not allowed; write an array as ARRAY[1, 2].', field);
        if (FORBIDDEN.has(w)) {
          fail(`the SQL keyword ${tok.text.toUpperCase()} is not allowed: subqueries and statements cannot be used in a filter. If it is a column name, quote it: "${tok.text}".`, field);
        }
        if (TYPED_LITERALS.has(w) && next?.kind === 'string') {
          i++;
          break;
        }
        if (KEYWORDS.has(w)) {
          if (w === 'as') i = skipTypeName(t, i + 1, field) - 1;
          else if (w === 'collate') {
            if (next?.kind !== 'word' && next?.kind !== 'qident') fail('COLLATE must be followed by a collation name, e.g. COLLATE "C".', field);
            i++;
          } else if (w === 'at') {
            if (t[i + 1]?.value !== 'time' || t[i + 2]?.value !== 'zone') fail('AT is only allowed in AT TIME ZONE.', field);
            i += 2;
          } else if (w === 'array' && next?.kind !== '[') fail('ARRAY must be followed by [ ... ].', field);
          break;
        }
        columns.add(w);
        break;
      }
    }
  }
  if (depth !== 0) fail(`${depth} "(" without a matching ")". Balance the parentheses.`, field);
  if (brackets !== 0) fail('"[" without a matching "]".', field);
  return { columns: [...columns] };
}

/** Throws badRequest if `where` is not an acceptable filter (see parseFilter). */
export function checkFilterSyntax(where: string, field = FIELD): void {
  parseFilter(where, field);
}

function pgErrorMessage(e: unknown): string {
  const err = e as { message?: string; hint?: string };
  return `${err.message ?? String(e)}${err.hint ? ` (hint: ${err.hint})` : ''}`;
}

/** validateFilter on an open client (precheck reuses its connection). */
export async function validateFilterOn(client: pg.Client, table: TableRef, where: string, field = FIELD): Promise<void> {
  checkFilterSyntax(where, field);
  await client.query('BEGIN READ ONLY');
  try {
    await client.query("SET LOCAL statement_timeout = '5s'");
    await client.query(`EXPLAIN SELECT 1 FROM ${qualify(table)} WHERE (${where})`);
  } catch (e) {
    if (isConnectionError(e)) throw e;
    throw badRequest(`The WHERE condition of table ${qualify(table)} is not valid: ${pgErrorMessage(e)}. Correct the condition; it may only use the source table's column names.`, field);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

export async function validateFilter(cfg: ConnectionConfig, table: TableRef, where: string): Promise<void> {
  checkFilterSyntax(where);
  try {
    await withClient(cfg, (c) => validateFilterOn(c, table, where), { applicationName: 'dts-filter-check' });
  } catch (e) {
    if (isConnectionError(e) || (e as { code?: string }).code?.startsWith('28') || (e as { code?: string }).code === '3D000') {
      throw new Error(`Cannot check the WHERE condition of ${qualify(table)}: ${describeConnectError(e, cfg).error}`);
    }
    throw e;
  }
}

const typeCache = new WeakMap<pg.Client, Map<string, Map<string, string>>>();

/**
 * Native types of a table's columns as seen by `client` (cached per client and table). Used when
 * the caller of matchFilter has no catalog at hand; a column type changed by DDL later is not
 * seen until a new client is used.
 */
export async function sourceColumnTypes(client: pg.Client, table: TableRef): Promise<Map<string, string>> {
  let perClient = typeCache.get(client);
  if (!perClient) typeCache.set(client, (perClient = new Map()));
  const key = `${table.schema}\u0000${table.name}`;
  const hit = perClient.get(key);
  if (hit) return hit;
  const r = await client.query<{ attname: string; native: string }>(
    `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS native FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [qualify(table)],
  );
  const types = new Map(r.rows.map((x) => [x.attname, x.native]));
  perClient.set(key, types);
  return types;
}

const MAX_PARAMS = 65535;
const MAX_ROWS_PER_QUERY = 5000;

/**
 * Evaluates the mapping's WHERE condition for many rows in one round trip (per chunk of rows) on
 * `client`. Values are PostgreSQL text forms or null; `columnTypes` maps source column names to
 * native types, and each value is cast to its column's type, so comparisons behave as on the
 * source table. Without `columnTypes` they are read from the table on `client` (and cached).
 *
 * A row that does not carry a column the condition uses (undefined: an unchanged TOASTed value of
 * an UPDATE) is treated as matching. The column did not change in that update, so the change
 * cannot move the row out of the filtered set by that column, and skipping it could lose an
 * update of a row the target has. The writer leaves such columns untouched anyway.
 */
export async function matchFilter(client: pg.Client, mapping: TableMapping, rows: Row[], columnTypes?: Map<string, string>): Promise<boolean[]> {
  const result = rows.map(() => true);
  if (!mapping.where || rows.length === 0) return result;
  const where = mapping.where;
  columnTypes ??= await sourceColumnTypes(client, mapping.source);
  // unknown names are left to the server, which reports them; keep only real columns here
  const cols = parseFilter(where).columns.filter((c) => columnTypes.has(c));
  const todo: number[] = [];
  rows.forEach((r, i) => {
    if (cols.every((c) => r[c] !== undefined)) todo.push(i);
  });
  const perRow = cols.length + 1;
  const chunk = Math.max(1, Math.min(MAX_ROWS_PER_QUERY, Math.floor(MAX_PARAMS / perRow)));
  const casts = cols.map((c) => `::${columnTypes.get(c)}`);
  const ordName = 'dts$ord';
  for (let from = 0; from < todo.length; from += chunk) {
    const part = todo.slice(from, from + chunk);
    const params: (string | null)[] = [];
    const tuples: string[] = [];
    for (const idx of part) {
      const row = rows[idx];
      const ph = [`$${params.push(String(idx))}::int4`];
      cols.forEach((c, k) => ph.push(`$${params.push(row[c] ?? null)}${casts[k]}`));
      tuples.push(`(${ph.join(', ')})`);
      result[idx] = false;
    }
    const names = [q(ordName), ...cols.map(q)].join(', ');
    const sql = `SELECT t.${q(ordName)} AS ord FROM (VALUES ${tuples.join(', ')}) AS t(${names}) WHERE (${where})`;
    const res = await client.query<{ ord: number }>(sql, params);
    for (const r of res.rows) result[Number(r.ord)] = true;
  }
  return result;
}
