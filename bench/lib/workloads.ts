// The full-load workloads, each loaded once into its own source database: pgbench's tables,
// one wide table (~1 KB of text and a jsonb per row) and one table of 15 mixed-type columns.
import type { PgServer } from '../../test/helpers/pg';
import { exec } from './exec';
import { bin, clientEnv, pgbenchConn, recreateDatabase, withClient } from './servers';
import type { WorkloadName } from './args';

export interface TableSpec {
  /** in schema public */
  name: string;
  key: string[];
}

export interface Workload {
  name: WorkloadName;
  /** what it is, for the report */
  label: string;
  database: string;
  tables: TableSpec[];
  load(source: PgServer, signal: AbortSignal): Promise<void>;
}

export const PGBENCH_TABLES: TableSpec[] = [
  { name: 'pgbench_accounts', key: ['aid'] },
  { name: 'pgbench_branches', key: ['bid'] },
  { name: 'pgbench_tellers', key: ['tid'] },
  { name: 'pgbench_history', key: ['hid'] },
];

/**
 * `pgbench -i -s scale`, then a primary key on pgbench_history, which has none: without a key
 * a DTS-style task refuses the table for incremental synchronization (the precheck fails it).
 */
export async function loadPgbench(source: PgServer, database: string, scale: number, signal: AbortSignal): Promise<void> {
  await recreateDatabase(source, database);
  await exec(bin('pgbench'), ['-i', '-q', '-s', String(scale), ...pgbenchConn(source, database)], { env: clientEnv, signal }).catch((e: Error) => {
    throw new Error(`pgbench -i failed: ${e.message}`);
  });
  await source.query(database, 'ALTER TABLE pgbench_history ADD COLUMN hid bigserial PRIMARY KEY');
  await settle(source, database, PGBENCH_TABLES);
}

/** the rows of a table are inserted by `parts` sessions in parallel, each a range of ids */
async function parallelInsert(source: PgServer, database: string, rows: number, parts: number, insert: (from: number, to: number) => string): Promise<void> {
  const per = Math.ceil(rows / parts);
  await Promise.all(
    Array.from({ length: parts }, (_, i) => {
      const from = i * per + 1;
      const to = Math.min(rows, (i + 1) * per);
      return from <= to ? withClient(source, database, (c) => c.query(insert(from, to))) : Promise.resolve();
    }),
  );
}

/** frozen, analyzed and checkpointed: no peer pays for hint bits or a pending checkpoint */
async function settle(source: PgServer, database: string, tables: TableSpec[]): Promise<void> {
  for (const t of tables) await source.query(database, `VACUUM (FREEZE, ANALYZE) public.${t.name}`);
  await source.query(database, 'CHECKPOINT');
}

/** a workload of one table `name` (key id) in database w_<name>, filled by 2 sessions in parallel */
function oneTable(name: WorkloadName, label: string, rows: number, createSql: string, select: (from: number, to: number) => string): Workload {
  const database = `w_${name}`;
  const tables = [{ name, key: ['id'] }];
  return {
    name,
    label,
    database,
    tables,
    load: async (s) => {
      await recreateDatabase(s, database);
      await s.query(database, createSql);
      await parallelInsert(s, database, rows, 2, (from, to) => `INSERT INTO ${name} ${select(from, to)}`);
      await settle(s, database, tables);
    },
  };
}

export function workloads(o: { pgbenchScale: number; wideRows: number; mixedRows: number }): Workload[] {
  return [
    {
      name: 'pgbench',
      label: `pgbench -i -s ${o.pgbenchScale} (4 tables)`,
      database: 'w_pgbench',
      tables: PGBENCH_TABLES,
      load: (s, signal) => loadPgbench(s, 'w_pgbench', o.pgbenchScale, signal),
    },
    oneTable(
      'wide',
      `wide: ${o.wideRows} rows, ~1 KB text + jsonb`,
      o.wideRows,
      `CREATE TABLE wide (id bigint PRIMARY KEY, title text NOT NULL, body text NOT NULL, doc jsonb NOT NULL, created_at timestamptz NOT NULL)`,
      (from, to) => `SELECT i, 'title ' || i,
               (SELECT string_agg(md5((i * 32 + k)::text), '') FROM generate_series(1, 32) k),
               jsonb_build_object('id', i, 'tags', jsonb_build_array('t' || i % 10, 'u' || i % 7), 'score', (i % 1000) / 10.0,
                                  'active', i % 2 = 0, 'nested', jsonb_build_object('x', i, 'y', md5(i::text))),
               timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second'
          FROM generate_series(${from}, ${to}) i`,
    ),
    oneTable(
      'mixed',
      `mixed: ${o.mixedRows} rows, 15 columns of mixed types`,
      o.mixedRows,
      `CREATE TABLE mixed (
         id bigint PRIMARY KEY, c_int integer, c_small smallint, c_num numeric(14,4), c_text text,
         c_varchar varchar(64), c_bool boolean, c_date date, c_ts timestamptz, c_uuid uuid,
         c_json jsonb, c_float float8, c_bytea bytea, c_inet inet, c_interval interval)`,
      (from, to) => `SELECT i, (i::bigint * 7919 % 1000003)::int - 500000, (i % 32000)::smallint, ((i % 100000) * 1.0001)::numeric(14,4),
               'text-' || md5(i::text), left(md5((i + 1)::text), 1 + i % 32),
               CASE WHEN i % 10 = 0 THEN NULL ELSE i % 3 = 0 END,
               date '2000-01-01' + i % 9000, timestamptz '2020-01-01 00:00:00+00' + i * interval '1.5 second',
               md5(i::text)::uuid, jsonb_build_object('i', i, 'k', 'v' || i % 100, 'f', i / 3.0),
               i / 7.0::float8, decode(md5(i::text), 'hex'),
               ('10.' || (i >> 16 & 255) || '.' || (i >> 8 & 255) || '.' || (i & 255))::inet,
               (i % 100000) * interval '1 minute'
          FROM generate_series(${from}, ${to}) i`,
    ),
  ];
}

export interface SourceSize {
  rows: number;
  /** pg_table_size: heap and TOAST, no indexes */
  bytes: number;
}

export async function sourceSize(s: PgServer, database: string, tables: TableSpec[]): Promise<SourceSize> {
  let rows = 0;
  let bytes = 0;
  for (const t of tables) {
    const r = await s.query<{ n: string; b: string }>(database, `SELECT (SELECT count(*) FROM public.${t.name})::text AS n, pg_table_size('public.${t.name}')::text AS b`);
    rows += Number(r[0].n);
    bytes += Number(r[0].b);
  }
  return { rows, bytes };
}
