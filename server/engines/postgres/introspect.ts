// Reads a PostgreSQL database into the neutral Catalog (types.ts): user schemas, tables with
// columns, keys, foreign keys and indexes, sequences and the enum and domain types they use.
// One query per kind of object (catalog-queries.ts), so it stays fast with thousands of tables.
import type pg from 'pg';
import type {
  Catalog, CatalogColumn, CatalogSequence, CatalogTable, CatalogUserType, ConnectionConfig, ConnectivityResult,
  Introspector, NeutralType,
} from '../types';
import {
  catalogQuery, columnSequencesQuery, columnsQuery, constraintsQuery, indexesQuery, schemasQuery, sequencesQuery, sequenceStatesSql, tablesQuery, typesQuery,
  type ColumnRow, type ColumnSequenceRow, type ConstraintRow, type IndexRow, type SequenceRow, type TableRow, type TypeRow,
} from './catalog-queries';
import { connect, describeConnectError, lit, q } from './connect';
import { validateFilter } from './filter';
import { emptyTable, markNotNullKeys } from '../shared/catalog';

const NEUTRAL_BY_NAME: Record<string, NeutralType> = {
  bool: 'boolean', int2: 'int16', int4: 'int32', int8: 'int64', float4: 'float32', float8: 'float64', numeric: 'decimal',
  money: 'decimal', text: 'string', varchar: 'string', bpchar: 'string', char: 'string', name: 'string', citext: 'string',
  bytea: 'bytes', date: 'date', time: 'time', timetz: 'timetz', timestamp: 'timestamp', timestamptz: 'timestamptz',
  interval: 'interval', uuid: 'uuid', json: 'json', jsonb: 'jsonb', xml: 'xml', inet: 'network', cidr: 'network',
  macaddr: 'network', macaddr8: 'network', point: 'geometric', line: 'geometric', lseg: 'geometric', box: 'geometric',
  path: 'geometric', polygon: 'geometric', circle: 'geometric', bit: 'bit', varbit: 'bit',
};

export function neutralType(baseName: string, baseType: string, baseCategory: string): NeutralType {
  if (baseCategory === 'A') return 'array';
  if (baseType === 'e') return 'enum';
  return NEUTRAL_BY_NAME[baseName] ?? 'other';
}

export async function serverVersionNum(c: pg.Client): Promise<{ num: number; text: string }> {
  const r = await c.query<{ num: string; text: string }>(`SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`);
  return { num: Number(r.rows[0].num), text: r.rows[0].text };
}

async function testConnection(cfg: ConnectionConfig): Promise<ConnectivityResult> {
  let c: pg.Client | undefined;
  try {
    c = await connect(cfg, { applicationName: 'dts-test-connection' });
    const v = await serverVersionNum(c);
    return { ok: true, serverVersion: v.text };
  } catch (e) {
    return describeConnectError(e, cfg);
  } finally {
    await c?.end().catch(() => undefined);
  }
}

function domainDefinition(t: TypeRow): string {
  let sql = `CREATE DOMAIN ${q(t.nspname)}.${q(t.typname)} AS ${t.base ?? 'text'}`;
  if (t.collation) sql += ` COLLATE ${t.collation}`;
  if (t.default_expr) sql += ` DEFAULT ${t.default_expr}`;
  if (t.notnull) sql += ' NOT NULL';
  // json comes back as text (connect.ts keeps json values as text)
  const checks: { name: string; def: string }[] = t.checks ? JSON.parse(t.checks) : [];
  for (const ch of checks) sql += ` CONSTRAINT ${q(ch.name)} ${ch.def}`;
  return sql;
}

function userType(t: TypeRow): CatalogUserType {
  if (t.typtype === 'e') {
    const labels = t.labels ?? [];
    return { schema: t.nspname, name: t.typname, kind: 'enum', labels, definition: `CREATE TYPE ${q(t.nspname)}.${q(t.typname)} AS ENUM (${labels.map(lit).join(', ')})` };
  }
  return { schema: t.nspname, name: t.typname, kind: 'domain', definition: domainDefinition(t) };
}

/** Reads the catalog on an open client (precheck and tests reuse connections). */
export async function introspectOn(c: pg.Client, filter?: { schemas?: string[] }): Promise<Catalog> {
  const { num: version, text: serverVersion } = await serverVersionNum(c);
  // one snapshot for every query, so the parts agree with each other
  await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // everything the server prints about user objects comes back schema-qualified
    await c.query('SET LOCAL search_path = pg_catalog');
    return await readCatalog(c, version, serverVersion, filter);
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
  }
}

async function readCatalog(c: pg.Client, version: number, serverVersion: string, filter?: { schemas?: string[] }): Promise<Catalog> {
  const schemaParam = [filter?.schemas && filter.schemas.length > 0 ? filter.schemas : null];
  const run = <T extends object>(sql: string, params: unknown[] = schemaParam) => catalogQuery<T>(c, sql, params);

  const schemas = await run<{ nspname: string }>(schemasQuery());
  const tableRows = await run<TableRow>(tablesQuery(version));
  const columnRows = await run<ColumnRow>(columnsQuery(version));
  const seqRows = await run<ColumnSequenceRow>(columnSequencesQuery(version));
  const conRows = await run<ConstraintRow>(constraintsQuery(version));
  const idxRows = await run<IndexRow>(indexesQuery(version));
  const sequenceRows = await run<SequenceRow>(sequencesQuery(), []);
  const typeRows = await run<TypeRow>(typesQuery(), []);

  const colSeq = new Map(seqRows.map((r) => [`${r.relid}:${r.attnum}`, { schema: r.seq_schema, name: r.seq_name }]));
  const byOid = new Map<number, CatalogTable>();
  const tables: CatalogTable[] = tableRows.map((r) => {
    const t = emptyTable({
      schema: r.nspname,
      name: r.relname,
      rowEstimate: Math.max(0, Math.round(Number(r.reltuples))),
      bytesEstimate: Number(r.bytes),
      replicaIdentity: (['d', 'f', 'n', 'i'].includes(r.relreplident) ? r.relreplident : 'd') as CatalogTable['replicaIdentity'],
      partitioned: r.relkind === 'p',
    });
    byOid.set(Number(r.oid), t);
    return t;
  });

  for (const r of columnRows) {
    const t = byOid.get(Number(r.relid));
    if (!t) continue;
    const col: CatalogColumn = {
      name: r.attname,
      nativeType: r.native,
      neutralType: neutralType(r.base_name, r.base_type, r.base_category),
      nullable: !r.notnull,
      defaultExpr: r.generated ? null : r.def,
      identity: r.identity === 'a' || r.identity === 'd' ? r.identity : null,
      generatedExpr: r.generated ? r.def : null,
    };
    if (r.user_schema && r.user_name) col.userType = { schema: r.user_schema, name: r.user_name };
    const seq = colSeq.get(`${r.relid}:${r.attnum}`);
    if (seq) col.sequence = seq;
    t.columns.push(col);
  }

  for (const r of conRows) {
    const t = byOid.get(Number(r.relid));
    if (!t) continue;
    if (r.contype === 'p') t.primaryKey = { name: r.conname, columns: r.cols };
    else if (r.contype === 'u') t.uniqueKeys.push({ name: r.conname, columns: r.cols, allNotNull: false });
    else if (r.contype === 'f' && r.ref_schema && r.ref_table) {
      t.foreignKeys.push({ name: r.conname, columns: r.cols, refSchema: r.ref_schema, refTable: r.ref_table, refColumns: r.ref_cols ?? [], definition: r.def });
    }
  }

  for (const r of idxRows) {
    const t = byOid.get(Number(r.relid));
    if (!t) continue;
    const constraint = r.constraint_type === 'p' || r.constraint_type === 'u';
    t.indexes.push({ name: r.name, unique: r.unique, constraint, columns: r.cols, definition: r.def });
    // pgoutput's old-row images carry only this index's columns, so rows are matched on them
    if (r.replident && t.replicaIdentity === 'i') t.replicaIdentityColumns = r.cols;
    // a unique index that is not a constraint also identifies rows when it is plain (no
    // expression, no predicate): list it as a unique key after the constraints
    if (r.unique && !constraint && !r.partial && !r.expressions && r.cols.length > 0) {
      t.uniqueKeys.push({ name: r.name, columns: r.cols, allNotNull: false });
    }
  }

  markNotNullKeys(tables);

  const schemaSet = new Set(schemas.map((s) => s.nspname));
  const usedSeqs = new Set(seqRows.map((r) => `${r.seq_schema}.${r.seq_name}`));
  const kept = sequenceRows.filter((r) => schemaSet.has(r.schemaname) || usedSeqs.has(`${r.schemaname}.${r.sequencename}`));
  const states = await sequenceStates(c, kept);
  const sequences: CatalogSequence[] = kept
    .map((r, i) => ({
      schema: r.schemaname,
      name: r.sequencename,
      dataType: r.data_type,
      start: r.start_value,
      increment: r.increment_by,
      min: r.min_value,
      max: r.max_value,
      cycle: r.cycle,
      lastValue: states[i]?.v ?? null,
      isCalled: states[i]?.called ?? true,
      ownedBy: r.owned_table && r.owned_column ? { table: r.owned_table, column: r.owned_column } : null,
    }));

  const types = typeRows.map(userType);
  return { engine: 'postgres', serverVersion, schemas: [...schemaSet], tables, sequences, types };
}

/** each readable sequence's exact state (last_value, is_called), a few hundred per query */
async function sequenceStates(c: pg.Client, rows: SequenceRow[]): Promise<({ v: string; called: boolean } | undefined)[]> {
  const out: ({ v: string; called: boolean } | undefined)[] = rows.map(() => undefined);
  const readable = rows.map((r, i) => ({ r, i })).filter((x) => x.r.readable);
  for (let k = 0; k < readable.length; k += 200) {
    const part = readable.slice(k, k + 200);
    const res = await catalogQuery<{ i: number; v: string; called: boolean }>(c, sequenceStatesSql(part.map((x) => x.r.regname)));
    for (const r of res) out[part[r.i].i] = { v: r.v, called: r.called };
  }
  return out;
}

async function introspect(cfg: ConnectionConfig, filter?: { schemas?: string[] }): Promise<Catalog> {
  const c = await connect(cfg, { applicationName: 'dts-introspect' });
  try {
    return await introspectOn(c, filter);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export const introspector: Introspector = { testConnection, introspect, validateFilter };
