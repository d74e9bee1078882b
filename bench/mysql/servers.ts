// The MySQL benchmark's servers: a source and a target MariaDB (test/helpers/mysql.ts
// startMariaDb), both with the same settings, on loopback; the client programs' connection
// options; and the CPU the servers spend (each mariadbd's process tree).
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { MARIADB_ROOT_PASSWORD, mariadbAvailable, startMariaDb, type MariaDbServer } from '../../test/helpers/mysql';
import type { Servers, SuiteEnv } from '../lib/servers';
import { RunClock } from '../lib/clock';

/**
 * One set of settings for source and target, whoever the peer: durable commits
 * (innodb-flush-log-at-trx-commit=1, sync-binlog=1), a buffer pool that holds the workloads,
 * and redo logs large enough that loads do not wait on checkpoints.
 */
export const BENCH_MY_FLAGS: Record<string, string | number> = {
  'innodb-flush-log-at-trx-commit': 1,
  'sync-binlog': 1,
  'innodb-buffer-pool-size': '2G',
  'innodb-log-file-size': '1G',
  'innodb-log-buffer-size': '64M',
  'max-allowed-packet': '256M',
  'max-connections': 300,
  'binlog-cache-size': '4M',
  'max-binlog-size': '1G',
};

export type MyServers = Servers<MariaDbServer>;
export type MySuiteEnv<R> = SuiteEnv<R, MariaDbServer>;

export async function startMyServers(): Promise<MyServers> {
  if (!mariadbAvailable()) throw new Error('MariaDB is not installed (/usr/sbin/mariadbd missing; apt-get install mariadb-server)');
  const started: MariaDbServer[] = [];
  try {
    // one after the other (each has its own data and temporary directories)
    for (let i = 0; i < 2; i++) started.push(await startMariaDb(BENCH_MY_FLAGS));
  } catch (e) {
    await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
    throw e;
  }
  const [source, target] = started;
  return {
    source,
    target,
    stop: async () => {
      await Promise.allSettled([source.stop(), target.stop()]);
    },
  };
}

/** MYSQL_PWD for the client programs (mariadb, mariadb-dump; loopback, root) */
export const myClientEnv: Record<string, string> = { MYSQL_PWD: MARIADB_ROOT_PASSWORD };

/** the client programs' connection options (the password comes from MYSQL_PWD) */
export const myConnArgs = (s: MariaDbServer): string[] => ['-h', '127.0.0.1', '-P', String(s.port), '-u', 'root'];

/** sysbench's MySQL driver options for a database */
export const sysbenchConn = (s: MariaDbServer, db: string): string[] => [
  '--db-driver=mysql',
  '--mysql-host=127.0.0.1',
  `--mysql-port=${s.port}`,
  '--mysql-user=root',
  `--mysql-password=${MARIADB_ROOT_PASSWORD}`,
  `--mysql-db=${db}`,
];

export const qi = (s: string): string => `\`${s.replace(/`/g, '``')}\``;

export async function recreateDb(s: MariaDbServer, db: string): Promise<void> {
  await s.query(`DROP DATABASE IF EXISTS ${qi(db)}; CREATE DATABASE ${qi(db)}`);
}

export async function dropDb(s: MariaDbServer, db: string): Promise<void> {
  await s.query(`DROP DATABASE IF EXISTS ${qi(db)}`);
}

/** one open root connection (for pollers: one connection per loop, not one per query) */
export function openConnection(s: MariaDbServer): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port: s.port, user: 'root', password: MARIADB_ROOT_PASSWORD, multipleStatements: true, supportBigNumbers: true, bigNumberStrings: true });
}

export async function myServerVersion(s: MariaDbServer): Promise<string> {
  return (await s.query<{ v: string }>('SELECT VERSION() AS v'))[0].v;
}

/** wall-clock seconds of a timed part and the CPU seconds the given servers spent meanwhile */
export class MyClock extends RunClock {
  constructor(servers: MariaDbServer[]) {
    super(() => servers.map((s) => s.pid()));
  }
}

export interface RowOps {
  ins: number;
  upd: number;
  del: number;
}

/**
 * Row changes on the server so far: SHOW GLOBAL STATUS Handler_write / Handler_update /
 * Handler_delete (MariaDB 10.11 has no Innodb_rows_*). They count every table but internal
 * temporary ones (Handler_tmp_*), rolled-back changes too, and our task's heartbeat (one row a
 * second): while a workload runs, its changes and a few more.
 */
export async function rowOps(s: MariaDbServer): Promise<RowOps> {
  const r = await s.query<{ Variable_name: string; Value: string }>("SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_write', 'Handler_update', 'Handler_delete')");
  const v = (k: string) => {
    const x = r.find((y) => y.Variable_name === k);
    if (!x) throw new Error(`SHOW GLOBAL STATUS has no ${k}`);
    return Number(x.Value);
  };
  return { ins: v('Handler_write'), upd: v('Handler_update'), del: v('Handler_delete') };
}

/** writes out dirty InnoDB pages (what a checkpoint is to PostgreSQL): waits until under 1 % are dirty, 60 s at most */
export async function flushDirty(s: MariaDbServer): Promise<void> {
  const pct = (await s.query<{ v: string }>('SELECT @@GLOBAL.innodb_max_dirty_pages_pct AS v'))[0].v;
  await s.query('SET GLOBAL innodb_max_dirty_pages_pct = 0');
  try {
    const end = performance.now() + 60_000;
    while (performance.now() < end) {
      const r = await s.query<{ Variable_name: string; Value: string }>("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_data')");
      const v = (k: string) => Number(r.find((x) => x.Variable_name === k)?.Value ?? 0);
      if (v('Innodb_buffer_pool_pages_dirty') <= Math.max(64, v('Innodb_buffer_pool_pages_data') / 100)) return;
      await new Promise((res) => setTimeout(res, 200));
    }
  } finally {
    await s.query(`SET GLOBAL innodb_max_dirty_pages_pct = ${Number(pct)}`);
  }
}
