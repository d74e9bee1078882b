// The benchmark's servers: a source and a target PostgreSQL 15 (Debian's binaries, run as the
// postgres user when root, through server/pg-server.ts), both with the same settings, on
// loopback; and the client programs every peer uses.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PG15_BIN, SUPER_PASSWORD, startPgServer, type PgServer } from '../../test/helpers/pg';
import type { ReplicatorProcess } from './dts';
import { GNU_TIME } from './exec';

/** one set of settings for the source and the target, whoever the peer */
export const BENCH_PG_SETTINGS: Record<string, string | number> = {
  wal_level: 'logical',
  fsync: 'on',
  full_page_writes: 'on',
  shared_buffers: '512MB',
  maintenance_work_mem: '256MB',
  max_wal_size: '16GB',
  checkpoint_timeout: '30min',
  max_connections: 100,
  max_replication_slots: 20,
  max_wal_senders: 20,
  max_worker_processes: 16,
  max_logical_replication_workers: 8,
  max_sync_workers_per_subscription: 2,
};

export const bin = (tool: string): string => path.join(PG15_BIN, tool);

/** PGPASSWORD for the client programs (loopback, superuser) */
export const clientEnv: Record<string, string> = { PGPASSWORD: SUPER_PASSWORD, PGCONNECT_TIMEOUT: '10' };

/** libpq connection options of a database on a server */
export function connArgs(s: PgServer, database: string): string[] {
  return ['-h', '127.0.0.1', '-p', String(s.port), '-U', 'postgres', '-d', database];
}

/** the same for pgbench, whose -d means --debug: the database comes last */
export function pgbenchConn(s: PgServer, database: string): string[] {
  return ['-h', '127.0.0.1', '-p', String(s.port), '-U', 'postgres', database];
}

interface Need {
  pkg: string;
  present: () => boolean;
}

const NEEDS: Need[] = [
  { pkg: 'postgresql', present: () => existsSync(bin('postgres')) && existsSync(bin('pgbench')) },
  { pkg: 'pgcopydb', present: () => spawnSync('pgcopydb', ['--version'], { encoding: 'utf8' }).status === 0 },
  { pkg: 'time', present: () => existsSync(GNU_TIME) },
];

/** installs missing Debian packages with apt-get (root only); says what it installs */
export function ensurePackages(log: (m: string) => void): void {
  const missing = NEEDS.filter((n) => !n.present()).map((n) => n.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    log(`missing Debian packages: ${missing.join(' ')}; install them as root (apt-get install ${missing.join(' ')})`);
    return;
  }
  log(`installing with apt-get: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const upd = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env, timeout: 300_000 });
  if (upd.status !== 0) log('apt-get update failed; trying the install anyway');
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env, timeout: 600_000 });
  if (r.status !== 0) log(`apt-get install ${missing.join(' ')} failed (exit ${r.status}); peers that need them will fail`);
  // the packaged cluster is not needed: the benchmark starts its own servers
  if (missing.includes('postgresql')) spawnSync('pg_ctlcluster', ['15', 'main', 'stop'], { stdio: 'ignore' });
}

export function pgcopydbVersion(): string | null {
  const r = spawnSync('pgcopydb', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return /pgcopydb version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? (r.stdout || r.stderr).trim().split('\n')[0];
}

export interface Servers<S = PgServer> {
  source: S;
  target: S;
  stop(): Promise<void>;
}

/** what a suite gets: the servers, our replicator process (started on first use), a log and a sink for each run */
export interface SuiteEnv<R, S = PgServer> {
  source: S;
  target: S;
  replicator: () => Promise<ReplicatorProcess>;
  log: (m: string) => void;
  /** each finished run, as it finishes (the caller keeps the partial results) */
  record: (r: R) => void;
}

export async function startServers(): Promise<Servers> {
  if (!existsSync(bin('postgres'))) throw new Error(`PostgreSQL 15 is not installed (${bin('postgres')} missing)`);
  const started: PgServer[] = [];
  try {
    started.push(await startPgServer(15, BENCH_PG_SETTINGS));
    started.push(await startPgServer(15, BENCH_PG_SETTINGS));
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

/** a client that stays open, with one text format for every value (checksums compare text) */
export async function client(s: PgServer, database: string): Promise<pg.Client> {
  const c = new pg.Client({
    connectionString: s.url(database),
    options: '-c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3 -c TimeZone=UTC',
  });
  await c.connect();
  return c;
}

export async function withClient<T>(s: PgServer, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await client(s, database);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function recreateDatabase(s: PgServer, name: string): Promise<void> {
  await dropDatabase(s, name);
  await s.query('postgres', `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
}

/** drops a database, its subscriptions first (DROP DATABASE refuses while they exist) */
export async function dropDatabase(s: PgServer, name: string): Promise<void> {
  const exists = await s.query('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.length === 0) return;
  const subs = await s.query<{ subname: string }>(
    'postgres',
    'SELECT subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE d.datname = $1',
    [name],
  );
  for (const sub of subs) await dropSubscription(s, name, sub.subname);
  await s.query('postgres', `DROP DATABASE ${pg.escapeIdentifier(name)} WITH (FORCE)`);
}

/** drops a subscription and its slot; when the source cannot drop the slot, the slot is left */
export async function dropSubscription(s: PgServer, database: string, sub: string): Promise<void> {
  await withClient(s, database, async (c) => {
    const id = pg.escapeIdentifier(sub);
    const r = await c.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [sub]);
    if (r.rowCount === 0) return;
    await c.query(`ALTER SUBSCRIPTION ${id} DISABLE`).catch(() => undefined);
    try {
      await c.query(`DROP SUBSCRIPTION ${id}`);
    } catch {
      await c.query(`ALTER SUBSCRIPTION ${id} SET (slot_name = NONE)`);
      await c.query(`DROP SUBSCRIPTION ${id}`);
    }
  });
}

export async function serverVersion(s: PgServer): Promise<string> {
  return (await s.query<{ v: string }>('postgres', 'SELECT version() AS v'))[0].v;
}
