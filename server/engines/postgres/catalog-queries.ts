// Catalog queries for introspect.ts: one query per kind of object (tables, columns, constraints,
// indexes, sequences, types), never one per table, so a database with thousands of tables is
// read in a handful of round trips. Run with search_path = pg_catalog so every user object the
// server prints (types, sequences in defaults, index definitions) comes back schema-qualified.
//
// Parameter $1 of every query is the schema filter (text[] or null for every user schema).

import pg from 'pg';

// connect.ts keeps values as text (booleans too, as 't' and 'f'), which suits row data; catalog
// reads want real booleans, so they run with the driver's default parsers plus a bool parser.
const CATALOG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 16 ? (v: string) => v === 't' : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** runs a catalog query: booleans come back as booleans, json as text when cast to text */
export async function catalogQuery<T extends object>(c: pg.Client, text: string, values: unknown[] = []): Promise<T[]> {
  return (await c.query<T & pg.QueryResultRow>({ text, values, types: CATALOG_TYPES })).rows as T[];
}

// DTS's own schema (names.ts HELPER_SCHEMA) is never offered, selected or synchronized
const USER_SCHEMA = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'dts'`;
const NOT_EXTENSION = (oidExpr: string, catalog: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = '${catalog}'::regclass AND x.objid = ${oidExpr} AND x.deptype = 'e')`;

/** the selected tables: ordinary and partitioned, no partitions, none of our own dts_ objects */
function tablesCte(version: number): string {
  const notPartition = version >= 100000 ? 'AND NOT c.relispartition' : '';
  return `tbl AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples, c.relreplident, c.relpages, c.reltoastrelid
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') ${notPartition}
       AND ${USER_SCHEMA}
       AND c.relname NOT LIKE 'dts\\_%'
       AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
       AND ${NOT_EXTENSION('c.oid', 'pg_class')})`;
}

export function schemasQuery(): string {
  return `SELECT n.nspname FROM pg_namespace n
           WHERE ${USER_SCHEMA} AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
             AND ${NOT_EXTENSION('n.oid', 'pg_namespace')}
           ORDER BY n.nspname`;
}

export interface TableRow {
  oid: number;
  nspname: string;
  relname: string;
  relkind: string;
  reltuples: number;
  relreplident: string;
  bytes: string;
}

export function tablesQuery(version: number): string {
  // sizes from relpages (as of the last VACUUM or ANALYZE): pg_table_size would lock every
  // table until the end of the transaction, which runs out of lock slots with many tables
  const pages = (rel: string) => `(${rel}.relpages::int8 + coalesce((SELECT tc.relpages FROM pg_class tc WHERE tc.oid = ${rel}.reltoastrelid), 0))`;
  // a partitioned table has no storage of its own: sum its partitions
  const size =
    version >= 120000
      ? `CASE WHEN t.relkind = 'p' THEN (SELECT coalesce(sum(${pages('c')}), 0) FROM pg_partition_tree(t.oid) p JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf) ELSE ${pages('t')} END`
      : pages('t');
  const rows =
    version >= 120000
      ? `CASE WHEN t.relkind = 'p' THEN (SELECT coalesce(sum(greatest(c.reltuples, 0)), 0) FROM pg_partition_tree(t.oid) p JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf) ELSE t.reltuples END`
      : 't.reltuples';
  return `WITH ${tablesCte(version)}
    SELECT t.oid::int8 AS oid, t.nspname, t.relname, t.relkind, (${rows})::float8 AS reltuples, t.relreplident,
           ((${size}) * current_setting('block_size')::int8)::text AS bytes
      FROM tbl t ORDER BY t.nspname, t.relname`;
}

export interface ColumnRow {
  relid: number;
  attnum: number;
  attname: string;
  native: string;
  notnull: boolean;
  def: string | null;
  identity: string;
  generated: string;
  /** resolved base type (domains unwrapped) */
  base_name: string;
  base_type: string;
  base_category: string;
  user_schema: string | null;
  user_name: string | null;
}

export function columnsQuery(version: number): string {
  const identity = version >= 100000 ? 'a.attidentity::text' : "''";
  const generated = version >= 120000 ? 'a.attgenerated::text' : "''";
  return `WITH RECURSIVE ${tablesCte(version)},
    dom(oid, base) AS (
      SELECT t.oid, t.typbasetype FROM pg_type t WHERE t.typtype = 'd'
      UNION ALL
      SELECT dom.oid, t.typbasetype FROM dom JOIN pg_type t ON t.oid = dom.base AND t.typtype = 'd'),
    dombase AS (SELECT dom.oid, dom.base FROM dom JOIN pg_type t ON t.oid = dom.base WHERE t.typtype <> 'd')
    SELECT a.attrelid::int8 AS relid, a.attnum::int AS attnum, a.attname,
           format_type(a.atttypid, a.atttypmod) AS native, a.attnotnull AS notnull,
           pg_get_expr(d.adbin, d.adrelid) AS def, ${identity} AS identity, ${generated} AS generated,
           bt.typname AS base_name, bt.typtype::text AS base_type, bt.typcategory::text AS base_category,
           un.nspname AS user_schema, ut.typname AS user_name
      FROM tbl JOIN pg_attribute a ON a.attrelid = tbl.oid
      JOIN pg_type ty ON ty.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      LEFT JOIN dombase db ON db.oid = a.atttypid
      JOIN pg_type bt ON bt.oid = coalesce(db.base, a.atttypid)
      LEFT JOIN pg_type et ON et.oid = ty.typelem AND ty.typcategory = 'A'
      LEFT JOIN pg_type ut ON ut.oid = CASE WHEN ty.typtype IN ('e', 'd') THEN ty.oid WHEN et.typtype IN ('e', 'd') THEN et.oid END
      LEFT JOIN pg_namespace un ON un.oid = ut.typnamespace
     WHERE a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attrelid, a.attnum`;
}

export interface ColumnSequenceRow {
  relid: number;
  attnum: number;
  seq_schema: string;
  seq_name: string;
}

/** sequences used by a column: through its default (nextval) or as its identity sequence */
export function columnSequencesQuery(version: number): string {
  return `WITH ${tablesCte(version)}
    SELECT ad.adrelid::int8 AS relid, ad.adnum::int AS attnum, sn.nspname AS seq_schema, s.relname AS seq_name
      FROM tbl JOIN pg_attrdef ad ON ad.adrelid = tbl.oid
      JOIN pg_depend dp ON dp.classid = 'pg_attrdef'::regclass AND dp.objid = ad.oid AND dp.refclassid = 'pg_class'::regclass
      JOIN pg_class s ON s.oid = dp.refobjid AND s.relkind = 'S'
      JOIN pg_namespace sn ON sn.oid = s.relnamespace
    UNION ALL
    SELECT dp.refobjid::int8, dp.refobjsubid::int, sn.nspname, s.relname
      FROM tbl JOIN pg_depend dp ON dp.refclassid = 'pg_class'::regclass AND dp.refobjid = tbl.oid AND dp.deptype = 'i'
       AND dp.classid = 'pg_class'::regclass
      JOIN pg_class s ON s.oid = dp.objid AND s.relkind = 'S'
      JOIN pg_namespace sn ON sn.oid = s.relnamespace`;
}

export interface ConstraintRow {
  relid: number;
  conname: string;
  contype: string;
  cols: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_cols: string[] | null;
  def: string;
  index_name: string | null;
}

const attnames = (rel: string, keys: string) =>
  `ARRAY(SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.num ORDER BY k.ord)`;

export function constraintsQuery(version: number): string {
  return `WITH ${tablesCte(version)}
    SELECT co.conrelid::int8 AS relid, co.conname, co.contype::text AS contype, ${attnames('co.conrelid', 'co.conkey')} AS cols,
           rn.nspname AS ref_schema, rc.relname AS ref_table,
           CASE WHEN co.contype = 'f' THEN ${attnames('co.confrelid', 'co.confkey')} END AS ref_cols,
           pg_get_constraintdef(co.oid) AS def, ic.relname AS index_name
      FROM tbl JOIN pg_constraint co ON co.conrelid = tbl.oid AND co.contype IN ('p', 'u', 'f')
      LEFT JOIN pg_class rc ON rc.oid = co.confrelid
      LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      LEFT JOIN pg_class ic ON ic.oid = co.conindid AND co.contype IN ('p', 'u')
     ORDER BY co.conrelid, co.contype, co.conname`;
}

export interface IndexRow {
  relid: number;
  name: string;
  unique: boolean;
  primary: boolean;
  constraint_type: string | null;
  partial: boolean;
  expressions: boolean;
  /** the table's REPLICA IDENTITY USING INDEX index */
  replident: boolean;
  cols: string[];
  def: string;
}

export function indexesQuery(version: number): string {
  const nkeys = version >= 110000 ? 'i.indnkeyatts' : 'i.indnatts';
  return `WITH ${tablesCte(version)}
    SELECT i.indrelid::int8 AS relid, ic.relname AS name, i.indisunique AS unique, i.indisprimary AS primary,
           (SELECT co.contype::text FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid
               AND co.contype IN ('p', 'u', 'x') LIMIT 1) AS constraint_type,
           i.indpred IS NOT NULL AS partial, i.indexprs IS NOT NULL AS expressions, i.indisreplident AS replident,
           ARRAY(SELECT a.attname::text FROM unnest((i.indkey::int2[])[0:${nkeys} - 1]) WITH ORDINALITY k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord) AS cols,
           pg_get_indexdef(i.indexrelid) AS def
      FROM tbl JOIN pg_index i ON i.indrelid = tbl.oid
      JOIN pg_class ic ON ic.oid = i.indexrelid
     WHERE i.indisvalid
     ORDER BY i.indrelid, ic.relname`;
}

export interface SequenceRow {
  schemaname: string;
  sequencename: string;
  data_type: string;
  start_value: string;
  increment_by: string;
  min_value: string;
  max_value: string;
  cycle: boolean;
  last_value: string | null;
  owned_table: string | null;
  owned_column: string | null;
  /** the account may read the sequence's state (SELECT on it) */
  readable: boolean;
  /** the schema-qualified, quoted name, to read the sequence's state */
  regname: string;
}

/**
 * every user sequence; introspect.ts keeps those in the selected schemas or used by a selected
 * table. pg_sequences.last_value is null before the first nextval and after setval(s, v, false):
 * sequenceStatesSql reads the exact state.
 */
export function sequencesQuery(): string {
  return `SELECT s.schemaname, s.sequencename, format_type(s.data_type, NULL) AS data_type,
                 s.start_value::text, s.increment_by::text, s.min_value::text, s.max_value::text, s.cycle,
                 s.last_value::text, ot.relname AS owned_table, oa.attname AS owned_column,
                 has_sequence_privilege(sc.oid, 'SELECT') AS readable, format('%I.%I', s.schemaname, s.sequencename) AS regname
            FROM pg_sequences s
            JOIN pg_namespace n ON n.nspname = s.schemaname
            JOIN pg_class sc ON sc.relnamespace = n.oid AND sc.relname = s.sequencename
            LEFT JOIN pg_depend dp ON dp.classid = 'pg_class'::regclass AND dp.objid = sc.oid
                 AND dp.refclassid = 'pg_class'::regclass AND dp.refobjsubid > 0 AND dp.deptype IN ('a', 'i')
            LEFT JOIN pg_class ot ON ot.oid = dp.refobjid
            LEFT JOIN pg_attribute oa ON oa.attrelid = dp.refobjid AND oa.attnum = dp.refobjsubid
           WHERE ${USER_SCHEMA} AND sc.relname NOT LIKE 'dts\\_%'
             AND ${NOT_EXTENSION('sc.oid', 'pg_class')}
           ORDER BY s.schemaname, s.sequencename`;
}

export interface TypeRow {
  nspname: string;
  typname: string;
  typtype: string;
  labels: string[] | null;
  base: string | null;
  collation: string | null;
  default_expr: string | null;
  notnull: boolean;
  /** JSON text: [{ name, def }] */
  checks: string | null;
}

/** enums and domains in user schemas (few per database, so no schema filter) */
export function typesQuery(): string {
  return `SELECT n.nspname, t.typname, t.typtype::text AS typtype,
                 CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS labels,
                 CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base,
                 CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN
                   (SELECT quote_ident(cn.nspname) || '.' || quote_ident(cl.collname) FROM pg_collation cl JOIN pg_namespace cn ON cn.oid = cl.collnamespace WHERE cl.oid = t.typcollation) END AS collation,
                 pg_get_expr(t.typdefaultbin, 0) AS default_expr, t.typnotnull AS notnull,
                 CASE WHEN t.typtype = 'd' THEN (SELECT json_agg(json_build_object('name', c.conname, 'def', pg_get_constraintdef(c.oid)) ORDER BY c.conname)
                   FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c')::text END AS checks
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
           WHERE t.typtype IN ('e', 'd') AND ${USER_SCHEMA} AND ${NOT_EXTENSION('t.oid', 'pg_type')}
           ORDER BY t.oid`;
}

/** the exact state of each sequence (by its quoted name): last_value and is_called, in one query */
export function sequenceStatesSql(regnames: string[]): string {
  return regnames.map((n, i) => `SELECT ${i}::int AS i, last_value::text AS v, is_called AS called FROM ${n}`).join(' UNION ALL ');
}
