// Real MariaDB servers for the MySQL engine tests: each one its own data directory, port and
// server id, with the binlog settings the engine needs (which a test can override to check the
// precheck). Started as the `mysql` user, as mariadbd refuses to run as root.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { ConnectionConfig } from '../../server/engines/types';
import { freePort, waitFor } from './pg';

export const MARIADB_ROOT_PASSWORD = 'test-root-pw';
const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

/** mariadbd is installed (CI installs it with apt; see .ci/run) */
export function mariadbAvailable(): boolean {
  return existsSync(MARIADBD) && existsSync(INSTALL_DB);
}

/** a describe's `skip` when MariaDB is missing: the output says why, never a silent pass */
export const NO_MARIADB = mariadbAvailable() ? false : 'skipped: no server (mariadbd is not installed; .ci/run installs mariadb-server)';

export interface MariaDbServer {
  port: number;
  serverId: number;
  config(database: string, user?: string, password?: string): ConnectionConfig;
  /** runs statements as root (multiple statements allowed); returns the rows of the last */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<T[]>;
  stop(): Promise<void>;
  /** the mariadbd process id while it runs, else null (benchmarks read its CPU time) */
  pid(): number | null;
  /** kill -9 of the server process, for fault tests */
  kill(): Promise<void>;
  /** stops the server, keeping its data (production down) */
  halt(): Promise<void>;
  /** starts it again (after halt or kill) on the same port and data */
  restart(): Promise<void>;
}

let nextServerId = 1;

/**
 * Starts a MariaDB server. `flags` are extra mariadbd options, e.g. `{ 'binlog-format': 'STATEMENT' }`;
 * `{ 'log-bin': null }` starts without a binlog.
 */
export async function startMariaDb(flags: Record<string, string | number | null> = {}): Promise<MariaDbServer> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dts-mariadb-'));
  chmodSync(root, 0o777);
  const dataDir = path.join(root, 'data');
  const sock = path.join(root, 'mysqld.sock');
  const port = await freePort();
  const serverId = nextServerId++;
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? ['--user=mysql'] : [];
  // a temporary directory of its own: servers set up at once must not share temporary file names
  const tmpDir = path.join(root, 'tmp');
  mkdirSync(tmpDir, { mode: 0o777 });
  chmodSync(tmpDir, 0o777);
  const init = spawnSync(INSTALL_DB, ['--no-defaults', ...user, `--datadir=${dataDir}`, `--tmpdir=${tmpDir}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr || init.stdout}`);
  const settings: Record<string, string | number | null> = {
    'log-bin': path.join(dataDir, 'mysql-bin'),
    'binlog-format': 'ROW',
    'binlog-row-image': 'FULL',
    'binlog-row-metadata': 'FULL',
    'server-id': serverId,
    'character-set-server': 'utf8mb4',
    'collation-server': 'utf8mb4_general_ci',
    'innodb-flush-log-at-trx-commit': 2,
    'sync-binlog': 0,
    'innodb-buffer-pool-size': '128M',
    'innodb-log-file-size': '256M',
    'max-connections': 200,
    'skip-name-resolve': 1,
    ...flags,
  };
  const args = ['--no-defaults', ...user, `--datadir=${dataDir}`, `--tmpdir=${tmpDir}`, `--socket=${sock}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${path.join(root, 'mysqld.pid')}`];
  for (const [k, v] of Object.entries(settings)) if (v !== null) args.push(`--${k}=${v}`);
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<void>;
  const launch = () => {
    child = spawn(MARIADBD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  };
  launch();

  const connectRoot = (database?: string, password: string | undefined = MARIADB_ROOT_PASSWORD) =>
    mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password, database, multipleStatements: true, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, charset: 'utf8mb4' });
  // the fresh server's root has no password: set one over TCP, as the tests log in with it
  await waitFor(
    `MariaDB on port ${port} to accept connections`,
    async () => {
      if (child.exitCode !== null) throw new Error(`mariadbd exited: ${stderr}`);
      try {
        const c = await mysql.createConnection({ socketPath: sock, user: 'root', password: '', multipleStatements: true });
        const pw = `IDENTIFIED BY '${MARIADB_ROOT_PASSWORD}'`;
        await c.query(`CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; ALTER USER 'root'@'127.0.0.1' ${pw}; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; ALTER USER 'root'@'localhost' ${pw}`);
        await c.end();
        return true;
      } catch (e) {
        if (process.env.DTS_TEST_VERBOSE) console.log(e);
        return false;
      }
    },
    30_000,
    100,
  );

  const ready = () =>
    waitFor(
      `MariaDB on port ${port} to be back`,
      async () => {
        if (child.exitCode !== null) throw new Error(`mariadbd exited: ${stderr}`);
        const c = await connectRoot().catch(() => null);
        await c?.end();
        return !!c;
      },
      30_000,
      100,
    );
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  return {
    port,
    serverId,
    config: (database, user = 'root', password = MARIADB_ROOT_PASSWORD) => ({ engine: 'mysql', host: '127.0.0.1', port, database, user, password }),
    async query<T>(sql: string, params?: unknown[], database?: string): Promise<T[]> {
      // a default database, so that MariaDB's sequence tables (seq_1_to_N) can be named bare
      const c = await connectRoot(database ?? 'mysql');
      try {
        const [rows] = await c.query(sql, params);
        if (!Array.isArray(rows)) return [];
        // several statements: one result per statement; the rows of the last SELECT
        const multi = rows.some((r) => Array.isArray(r) || (r as object | null)?.constructor?.name === 'ResultSetHeader');
        if (!multi) return rows as T[];
        const sets = (rows as unknown[]).filter((r): r is T[] => Array.isArray(r));
        return sets[sets.length - 1] ?? [];
      } finally {
        await c.end();
      }
    },
    stop: async () => {
      await stop('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
    pid: () => (child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null),
    kill: () => stop('SIGKILL'),
    halt: () => stop('SIGTERM'),
    restart: async () => {
      await stop('SIGTERM');
      launch();
      await ready();
    },
  };
}

export interface MyTableChecksum {
  rows: number;
  md5: string | null;
}

/**
 * Ordered checksum of a MariaDB table: md5 over every row's values (as HEX, so bytes, NULLs and
 * character sets compare exactly) in key order. `columns` are compared in the order given, so a
 * renamed or narrowed target can be compared with its source.
 */
export async function myChecksum(server: MariaDbServer, database: string, table: string, columns: string[], orderBy: string[], where?: string): Promise<MyTableChecksum> {
  const q = (s: string) => `\`${s.replace(/`/g, '``')}\``;
  const row = `CONCAT_WS('|', ${columns.map((c) => `IFNULL(HEX(${q(c)}), 'N')`).join(', ')})`;
  const r = await server.query<{ n: number | string; md5: string | null }>(
    `SET SESSION group_concat_max_len = 1073741824, time_zone = '+00:00';
     SELECT COUNT(*) AS n, MD5(GROUP_CONCAT(${row} ORDER BY ${orderBy.map(q).join(', ')} SEPARATOR '\\n')) AS md5 FROM ${q(database)}.${q(table)}${where ? ` WHERE ${where}` : ''}`,
  );
  return { rows: Number(r[0].n), md5: r[0].md5 };
}
