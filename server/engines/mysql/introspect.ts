// Reads a MySQL or MariaDB server into the neutral Catalog (types.ts). Schema = database: every
// user database the account can see (minus the system ones and DTS's own), tables with columns,
// keys, indexes, foreign keys (foreign-keys.ts), AUTO_INCREMENT (as a CatalogSequence per table)
// and estimates. One information_schema query per kind of object, so it stays fast with thousands
// of tables.
import type {
  Catalog, CatalogColumn, CatalogIndex, CatalogSequence, CatalogTable, ConnectionConfig, ConnectivityResult, Introspector, NeutralType,
} from '../types';
import { connect, describeConnectError, lit, q, qualify, rows, type MyConnection } from './connect';
import { validateFilter } from './filter';
import { readForeignKeys } from './foreign-keys';
import { SYSTEM_DATABASES } from './names';
import { emptyTable, markNotNullKeys } from '../shared/catalog';

export interface ServerVersion {
  /** VERSION() as the server prints it, e.g. "10.11.6-MariaDB-0+deb12u1-log" */
  text: string;
  mariadb: boolean;
  major: number;
  minor: number;
  patch: number;
}

export async function serverVersion(c: MyConnection): Promise<ServerVersion> {
  const [r] = await rows<{ v: string }>(c, 'SELECT VERSION() AS v');
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(r.v) ?? ['', '0', '0', '0'];
  return { text: r.v, mariadb: /mariadb/i.test(r.v), major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

async function testConnection(cfg: ConnectionConfig): Promise<ConnectivityResult> {
  let c: MyConnection | undefined;
  try {
    c = await connect(cfg);
    const v = await serverVersion(c);
    // No check of cfg.database here: a destination database may not exist until Schema
    // Synchronization creates it. The precheck checks the source's (side-aware).
    return { ok: true, serverVersion: v.text };
  } catch (e) {
    return describeConnectError(e, cfg);
  } finally {
    await c?.end().catch(() => c?.destroy());
  }
}

const NEUTRAL: Record<string, NeutralType> = {
  tinyint: 'int16', smallint: 'int16', mediumint: 'int32', int: 'int32', integer: 'int32', bigint: 'int64', year: 'int16',
  decimal: 'decimal', numeric: 'decimal', float: 'float32', double: 'float64', real: 'float64', bit: 'bit',
  char: 'string', varchar: 'string', tinytext: 'string', text: 'string', mediumtext: 'string', longtext: 'string',
  binary: 'bytes', varbinary: 'bytes', tinyblob: 'bytes', blob: 'bytes', mediumblob: 'bytes', longblob: 'bytes',
  date: 'date', datetime: 'timestamp', timestamp: 'timestamptz', time: 'time', json: 'json', enum: 'enum', set: 'other',
  uuid: 'uuid', inet4: 'network', inet6: 'network', geometry: 'geometric', point: 'geometric', linestring: 'geometric',
  polygon: 'geometric', multipoint: 'geometric', multilinestring: 'geometric', multipolygon: 'geometric', geometrycollection: 'geometric',
};

export function neutralType(dataType: string, columnType: string): NeutralType {
  const dt = dataType.toLowerCase();
  const unsigned = /unsigned/i.test(columnType);
  if (unsigned && (dt === 'smallint' || dt === 'tinyint')) return 'int32';
  if (unsigned && (dt === 'int' || dt === 'integer' || dt === 'mediumint')) return 'int64';
  if (unsigned && dt === 'bigint') return 'decimal';
  return NEUTRAL[dt] ?? 'other';
}

const INT_MAX: Record<string, [bigint, bigint]> = {
  tinyint: [127n, 255n], smallint: [32767n, 65535n], mediumint: [8388607n, 16777215n], int: [2147483647n, 4294967295n],
  integer: [2147483647n, 4294967295n], bigint: [9223372036854775807n, 18446744073709551615n],
};

interface TableRow { db: string; name: string; engine: string | null; nrows: string | null; data: string | null; idx: string | null; ai: string | null; coll: string | null; opts: string | null; cmt: string | null }
interface ColumnRow { db: string; tbl: string; name: string; dataType: string; columnType: string; nullable: string; def: string | null; extra: string; cs: string | null; coll: string | null; gen: string | null }
interface StatRow { db: string; tbl: string; name: string; nonUnique: string; seq: string; col: string | null; sub: string | null; coll: string | null; itype: string; expr?: string | null }

/** table options as CREATE TABLE takes them, e.g. "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci" */
function tableOptions(t: TableRow, charsetOf: Map<string, string>): string {
  const parts: string[] = [];
  if (t.engine) parts.push(`ENGINE=${t.engine}`);
  if (t.coll) parts.push(`DEFAULT CHARSET=${charsetOf.get(t.coll) ?? t.coll.split('_')[0]} COLLATE=${t.coll}`);
  for (const o of (t.opts ?? '').split(/\s+/)) {
    if (/^(row_format|key_block_size|stats_persistent|stats_auto_recalc|stats_sample_pages|checksum|min_rows|max_rows|pack_keys|delay_key_write)=\S+$/i.test(o)) {
      parts.push(o.toUpperCase());
    }
  }
  if (t.cmt) parts.push(`COMMENT=${lit(t.cmt)}`);
  return parts.join(' ');
}

/** MySQL 8 prints literal defaults unquoted; MariaDB 10.2.7+ prints them as SQL expressions */
function defaultExpr(c: ColumnRow, mariadb: boolean): string | null {
  const onUpdate = /on update (\S+)/i.exec(c.extra)?.[1];
  let def = c.def;
  if (!mariadb && def !== null) {
    const expr = /DEFAULT_GENERATED/i.test(c.extra);
    if (expr) def = /^(current_timestamp|now|localtime|localtimestamp)\b/i.test(def) ? def : `(${def})`;
    else if (/^(bit)$/i.test(c.dataType) || /^b'[01]*'$/.test(def)) def = def.startsWith("b'") ? def : `b'${def}'`;
    else def = lit(def);
  }
  if (def === 'NULL') def = null;
  if (onUpdate) def = `${def ?? 'NULL'} ON UPDATE ${onUpdate}`;
  return def;
}

function indexDefinition(table: { schema: string; name: string }, name: string, stats: StatRow[], unique: boolean): string {
  const type = stats[0].itype.toUpperCase();
  // SPATIAL and FULLTEXT keys index whole columns: MariaDB reports SUB_PART 32 for a SPATIAL key
  // part, and refuses that length in CREATE SPATIAL INDEX
  const prefixed = type !== 'SPATIAL' && type !== 'FULLTEXT';
  const parts = stats.map((s) => {
    const col = s.col !== null ? `${q(s.col)}${s.sub && prefixed ? `(${s.sub})` : ''}` : `(${s.expr ?? ''})`;
    return `${col}${s.coll === 'D' ? ' DESC' : ''}`;
  });
  if (name === 'PRIMARY') return `ALTER TABLE ${qualify(table)} ADD PRIMARY KEY (${parts.join(', ')})`;
  const kind = type === 'FULLTEXT' ? 'FULLTEXT ' : type === 'SPATIAL' ? 'SPATIAL ' : unique ? 'UNIQUE ' : '';
  const using = type === 'HASH' ? ' USING HASH' : '';
  return `CREATE ${kind}INDEX ${q(name)} ON ${qualify(table)} (${parts.join(', ')})${using}`;
}

function groupBy<T>(list: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
}

const tk = (db: string, tbl: string) => `${db}\u0000${tbl}`;

/** Reads the catalog on an open connection (precheck and tests reuse connections). */
export async function introspectOn(c: MyConnection, filter?: { schemas?: string[] }): Promise<Catalog> {
  const version = await serverVersion(c);
  const all = await rows<{ name: string }>(c, 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME');
  const wanted = filter?.schemas && filter.schemas.length > 0 ? new Set(filter.schemas) : null;
  const schemas = all.map((s) => s.name).filter((s) => (wanted ? wanted.has(s) : !SYSTEM_DATABASES.has(s)));
  if (schemas.length === 0) return { engine: 'mysql', serverVersion: version.text, schemas, tables: [], sequences: [], types: [] };

  const inDb = 'TABLE_SCHEMA IN (?)';
  const tableRows = await rows<TableRow>(c,
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, ENGINE AS engine, TABLE_ROWS AS nrows, DATA_LENGTH AS data, INDEX_LENGTH AS idx,
            AUTO_INCREMENT AS ai, TABLE_COLLATION AS coll, CREATE_OPTIONS AS opts, TABLE_COMMENT AS cmt
       FROM information_schema.TABLES WHERE ${inDb} AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_SCHEMA, TABLE_NAME`, [schemas]);
  const columnRows = await rows<ColumnRow>(c,
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType,
            IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra, CHARACTER_SET_NAME AS cs, COLLATION_NAME AS coll,
            GENERATION_EXPRESSION AS gen
       FROM information_schema.COLUMNS WHERE ${inDb} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`, [schemas]);
  const hasExpr = (await rows<{ n: string }>(c,
    `SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'STATISTICS' AND COLUMN_NAME = 'EXPRESSION'`))[0].n !== '0';
  const statRows = await rows<StatRow>(c,
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, SEQ_IN_INDEX AS seq, COLUMN_NAME AS col,
            SUB_PART AS sub, COLLATION AS coll, INDEX_TYPE AS itype${hasExpr ? ', EXPRESSION AS expr' : ''}
       FROM information_schema.STATISTICS WHERE ${inDb} ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`, [schemas]);
  const foreignKeys = await readForeignKeys(c, schemas);
  // MariaDB's JSON is LONGTEXT with a json_valid() check named after the column
  const jsonChecks = version.mariadb
    ? await rows<{ db: string; tbl: string; name: string; clause: string }>(c,
        `SELECT CONSTRAINT_SCHEMA AS db, TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
           FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?) AND LEVEL = 'Column' AND CHECK_CLAUSE LIKE 'json_valid(%'`, [schemas])
    : [];
  const jsonCols = new Set(jsonChecks.filter((j) => j.clause === `json_valid(${q(j.name)})`).map((j) => `${tk(j.db, j.tbl)}\u0000${j.name}`));
  const charsetOf = new Map((await rows<{ coll: string; cs: string }>(c, 'SELECT COLLATION_NAME AS coll, CHARACTER_SET_NAME AS cs FROM information_schema.COLLATIONS')).map((r) => [r.coll, r.cs]));

  const byKey = new Map<string, CatalogTable>();
  const aiOf = new Map<string, string | null>();
  const tables: CatalogTable[] = tableRows.map((r) => {
    const t = emptyTable({
      schema: r.db,
      name: r.name,
      rowEstimate: Math.max(0, Number(r.nrows ?? 0)),
      bytesEstimate: Number(r.data ?? 0) + Number(r.idx ?? 0),
      // the binlog carries full row images (binlog_row_image = FULL): rows are matched on their key
      replicaIdentity: 'd',
      partitioned: /partitioned/i.test(r.opts ?? ''),
      tableOptions: tableOptions(r, charsetOf),
    });
    byKey.set(tk(r.db, r.name), t);
    aiOf.set(tk(r.db, r.name), r.ai);
    return t;
  });

  const sequences: CatalogSequence[] = [];
  for (const r of columnRows) {
    const t = byKey.get(tk(r.db, r.tbl));
    if (!t) continue;
    const generated = r.gen !== null && r.gen !== '' && /GENERATED/i.test(r.extra);
    const autoInc = /auto_increment/i.test(r.extra);
    const isJson = r.dataType.toLowerCase() === 'json' || jsonCols.has(`${tk(r.db, r.tbl)}\u0000${r.name}`);
    const charset = r.cs && r.coll && !isJson ? ` CHARACTER SET ${r.cs} COLLATE ${r.coll}` : '';
    const col: CatalogColumn = {
      name: r.name,
      nativeType: isJson ? 'json' : `${r.columnType}${charset}`,
      neutralType: isJson ? 'json' : neutralType(r.dataType, r.columnType),
      nullable: r.nullable === 'YES',
      defaultExpr: generated || autoInc ? null : defaultExpr(r, version.mariadb),
      identity: autoInc ? 'd' : null,
      generatedExpr: generated ? `${r.gen as string}${/STORED/i.test(r.extra) ? ' STORED' : ' VIRTUAL'}` : null,
    };
    if (autoInc) {
      col.sequence = { schema: t.schema, name: t.name };
      const ai = aiOf.get(tk(r.db, r.tbl));
      const max = INT_MAX[r.dataType.toLowerCase()];
      sequences.push({
        schema: t.schema, name: t.name, dataType: r.columnType, start: '1', increment: '1', min: '1',
        max: max ? String(max[/unsigned/i.test(r.columnType) ? 1 : 0]) : '9223372036854775807', cycle: false,
        lastValue: ai !== null && ai !== undefined && Number(ai) > 1 ? (BigInt(ai) - 1n).toString() : null,
        ownedBy: { table: t.name, column: r.name },
      });
    }
    t.columns.push(col);
  }

  for (const list of groupBy(statRows, (s) => `${tk(s.db, s.tbl)}\u0000${s.name}`).values()) {
    const s0 = list[0];
    const t = byKey.get(tk(s0.db, s0.tbl));
    if (!t) continue;
    const unique = s0.nonUnique === '0';
    const cols = list.map((s) => s.col ?? '');
    const idx: CatalogIndex = { name: s0.name, unique, constraint: unique, columns: cols, definition: indexDefinition(t, s0.name, list, unique) };
    t.indexes.push(idx);
    if (s0.name === 'PRIMARY') t.primaryKey = { name: 'PRIMARY', columns: cols };
    // a unique index identifies rows when it covers whole columns (no prefix, no expression)
    else if (unique && list.every((s) => s.col !== null && !s.sub)) t.uniqueKeys.push({ name: s0.name, columns: cols, allNotNull: false });
  }

  for (const { schema, table, ...fk } of foreignKeys) byKey.get(tk(schema, table))?.foreignKeys.push(fk);

  markNotNullKeys(tables);
  return { engine: 'mysql', serverVersion: version.text, schemas, tables, sequences, types: [] };
}

async function introspect(cfg: ConnectionConfig, filter?: { schemas?: string[] }): Promise<Catalog> {
  const c = await connect(cfg);
  try {
    return await introspectOn(c, filter);
  } finally {
    await c.end().catch(() => c.destroy());
  }
}

export const introspector: Introspector = { testConnection, introspect, validateFilter };
