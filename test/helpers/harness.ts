// An end-to-end harness: a metadata PostgreSQL with the migrations applied, real source and
// target servers, tasks created through the services, and replicators run in-process or as
// child processes (which tests may kill -9).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';
import { createAppDatabase, startPgServer, waitFor, type PgServer, type PgVersion } from './pg';

process.env.DTS_SECRET_KEY ??= 'test-secret-key';

export interface Harness {
  meta: PgServer;
  stop(): Promise<void>;
}

let metaServer: PgServer | null = null;

/** starts (once per test file) the metadata database and points DATABASE_URL at it */
export async function startMeta(): Promise<PgServer> {
  if (metaServer) return metaServer;
  metaServer = await startPgServer(18);
  // as in production: the metadata role owns its database and is not a superuser
  process.env.DATABASE_URL = await createAppDatabase(metaServer, 'dts');
  const { migrate } = await import('../../server/migrate');
  await migrate();
  return metaServer;
}

export async function stopMeta(): Promise<void> {
  const { disconnectDb } = await import('../../server/db');
  await disconnectDb();
  await metaServer?.stop();
  metaServer = null;
}

export interface Pair {
  version: PgVersion;
  source: PgServer;
  target: PgServer;
  stop(): Promise<void>;
}

export async function startPair(version: PgVersion, sourceSettings: Record<string, string | number> = {}): Promise<Pair> {
  const [source, target] = await Promise.all([startPgServer(version, sourceSettings), startPgServer(version)]);
  return {
    version,
    source,
    target,
    stop: async () => {
      await Promise.all([source.stop(), target.stop()]);
    },
  };
}

export interface Suite {
  pair: Pair;
  stop(): Promise<void>;
}

/**
 * A suite's servers: the metadata database, a source and a target of `version` with the
 * databases `src` and `dst`, and an in-process replicator. The metadata database is stopped by
 * stopMeta() at the end of the file.
 */
export async function startSuite(version: PgVersion, sourceSettings: Record<string, string | number> = {}): Promise<Suite> {
  await startMeta();
  const pair = await startPair(version, sourceSettings);
  await pair.source.createDatabase('src');
  await pair.target.createDatabase('dst');
  const { startReplicator } = await import('../../server/replicator/main');
  const replicator = await startReplicator({ pollMs: 500, log: process.env.DTS_TEST_VERBOSE ? console.log : () => undefined });
  return {
    pair,
    stop: async () => {
      await replicator.stop();
      await pair.stop();
    },
  };
}

export interface TaskOptions {
  name?: string;
  topology?: 'OneWay' | 'TwoWay';
  /** connect through these ports instead of the servers' own (a TCP proxy) */
  ports?: { source?: number; target?: number };
  syncTypes?: { schema: boolean; full: boolean; incremental: boolean };
  objects: unknown;
  settings?: Record<string, unknown>;
}

/** creates a task through the create-task service between two databases of a pair */
export async function createTask(pair: Pair, srcDb: string, dstDb: string, o: TaskOptions): Promise<string> {
  const { createTask: create } = await import('../../server/services/create-task');
  const ep = (s: PgServer, database: string, port?: number) => ({ engine: 'postgres', host: '127.0.0.1', port: port ?? s.port, database, user: 'postgres', password: 'test-super-pw' });
  const t = await create({
    name: o.name ?? 'test task',
    source: ep(pair.source, srcDb, o.ports?.source),
    destination: ep(pair.target, dstDb, o.ports?.target),
    syncTypes: o.syncTypes ?? { schema: true, full: true, incremental: true },
    ...(o.topology ? { topology: o.topology } : {}),
    objects: o.objects,
    settings: { retryConnectionMinutes: 10, retryOtherMinutes: 2, ...o.settings },
  });
  return t.id;
}

/** sets the desired state the way the start/pause services do, without a precheck */
export async function setDesired(taskId: string, desiredState: 'Running' | 'Paused' | 'Ended' | 'Released'): Promise<void> {
  const { db } = await import('../../server/db');
  await db().task.update({ where: { id: taskId }, data: { desiredState } });
  await db().$executeRawUnsafe(`SELECT pg_notify('dts_tasks', $1)`, taskId);
}

export async function taskRow(taskId: string) {
  const { db } = await import('../../server/db');
  return db().task.findUnique({ where: { id: taskId } });
}

/** the row changes a task applied, from its newest metric sample */
export async function rowsApplied(taskId: string): Promise<bigint> {
  const { db } = await import('../../server/db');
  const s = await db().metricSample.findFirst({ where: { taskId }, orderBy: { id: 'desc' } });
  return s?.rowsApplied ?? 0n;
}

/** the conflicts a task recorded, oldest first */
export async function conflictsOf(taskId: string) {
  const { db } = await import('../../server/db');
  return db().conflict.findMany({ where: { taskId }, orderBy: { id: 'asc' } });
}

export async function waitStatus(taskId: string, status: string, timeoutMs = 90_000): Promise<void> {
  let last = '';
  await waitFor(
    `task ${taskId} to be ${status}`,
    async () => {
      const t = await taskRow(taskId);
      last = `${t?.status} ${t?.statusReason ?? ''}`;
      if (t?.status === 'Failed' && status !== 'Failed') throw new Error(`task failed: ${t.statusReason}`);
      return t?.status === status;
    },
    timeoutMs,
  ).catch((e: Error) => {
    throw new Error(`${e.message} (last: ${last})`);
  });
}

/** starts a task again after it failed: the replicator has taken it up once its status changed */
export async function restartFailed(taskId: string): Promise<void> {
  await setDesired(taskId, 'Running');
  await waitFor('the task to be taken up again', async () => (await taskRow(taskId))?.status !== 'Failed', 30_000);
  await waitStatus(taskId, 'Running');
}

/** waits until the target has applied everything the source has committed so far */
export async function waitCaughtUp(pair: Pair, srcDb: string, taskId: string, timeoutMs = 90_000): Promise<void> {
  await waitApplied(pair.source, srcDb, pair.target, taskId, timeoutMs);
}

/** the same for any direction: `to` has applied, for task `taskId`, all that `from` committed */
export async function waitApplied(from: PgServer, fromDb: string, to: PgServer, taskId: string, timeoutMs = 90_000): Promise<void> {
  const lsn = (await from.query<{ l: string }>(fromDb, 'SELECT pg_current_wal_lsn()::text AS l'))[0].l;
  await waitFor(
    `task ${taskId} to apply up to ${lsn}`,
    async () => {
      const r = await to.query<{ ok: boolean }>('postgres', `SELECT pg_replication_origin_progress($1, true) >= $2::pg_lsn AS ok`, [`dts_origin_${taskId}`, lsn]);
      return r[0]?.ok;
    },
    timeoutMs,
  );
}

/**
 * The node flags of `npm run replicator` (package.json): a young generation of 32 MB semi-spaces
 * (fewer objects of a batch survive into the old generation, so less of its GC), and the heap
 * capped at DTS_REPLICATOR_HEAP_MB when that is set.
 */
export function replicatorNodeFlags(env: Record<string, string | undefined> = process.env): string[] {
  const heap = env.DTS_REPLICATOR_HEAP_MB;
  return ['--max-semi-space-size=32', ...(heap ? [`--max-old-space-size=${heap}`] : [])];
}

/** a replicator as a child process, as `npm run replicator` runs it */
export function spawnReplicator(): ChildProcess {
  const root = path.resolve(import.meta.dirname, '../..');
  // e.g. DTS_REPLICATOR_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it
  const nodeArgs = [...replicatorNodeFlags(), ...(process.env.DTS_REPLICATOR_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(root, 'scripts/start.ts'), '--only', 'replicator'], {
    cwd: root,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => process.env.DTS_TEST_VERBOSE && process.stdout.write(`  [child] ${b}`));
  child.stderr?.on('data', (b: Buffer) => process.stdout.write(`  [child err] ${b}`));
  return child;
}

export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** In a describe: a suite of `version` started before its tests and stopped after them. */
export function suiteHooks(version: PgVersion, ready: (pair: Pair) => void): void {
  let suite: Suite | undefined;
  before(async () => {
    suite = await startSuite(version);
    ready(suite.pair);
  });
  after(async () => suite?.stop());
}

/**
 * In a describe: the metadata database and a pair of `version` with no replicator of its own;
 * the replicator processes the tests push into `children` are killed after them.
 */
export function pairHooks(version: PgVersion, children: ChildProcess[], ready: (pair: Pair) => void): void {
  let pair: Pair | undefined;
  before(async () => {
    await startMeta();
    pair = await startPair(version);
    ready(pair);
  });
  after(async () => {
    for (const c of children) await killHard(c);
    await pair?.stop();
  });
}
