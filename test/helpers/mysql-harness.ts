// End-to-end harness for MySQL tasks: the metadata PostgreSQL (harness.ts), two real MariaDB
// servers, tasks created through the services, an in-process replicator or child replicators.
import { before, after } from 'node:test';
import { startMeta } from './harness';
import { startMariaDb, myChecksum, MARIADB_ROOT_PASSWORD, NO_MARIADB, type MariaDbServer } from './mysql';
import { waitFor } from './pg';
import type { TaskOptions } from './harness';

export { NO_MARIADB };

export interface MyPair {
  source: MariaDbServer;
  target: MariaDbServer;
}

export interface MySuite extends MyPair {
  stop(): Promise<void>;
}

/** metadata database, two MariaDB servers and (unless `replicator` is false) an in-process replicator */
export async function startMySuite(opts: { replicator?: boolean; sourceFlags?: Record<string, string | number | null> } = {}): Promise<MySuite> {
  await startMeta();
  const [source, target] = await Promise.all([startMariaDb(opts.sourceFlags), startMariaDb()]);
  let stopReplicator: (() => Promise<void>) | null = null;
  if (opts.replicator !== false) {
    const { startReplicator } = await import('../../server/replicator/main');
    const r = await startReplicator({ pollMs: 500, log: process.env.DTS_TEST_VERBOSE ? console.log : () => undefined });
    stopReplicator = () => r.stop();
  }
  return {
    source,
    target,
    stop: async () => {
      await stopReplicator?.();
      await Promise.all([source.stop(), target.stop()]);
    },
  };
}

/** In a describe: a MySQL suite started before its tests and stopped after them. */
export function mySuiteHooks(ready: (s: MySuite) => void, opts: Parameters<typeof startMySuite>[0] = {}): void {
  let suite: MySuite | undefined;
  before(async () => {
    if (NO_MARIADB) return;
    suite = await startMySuite(opts);
    ready(suite);
  });
  after(async () => suite?.stop());
}

export interface Account { user: string; password: string }

export function myEndpoint(s: MariaDbServer, database: string, port?: number, account?: Account) {
  return { engine: 'mysql' as const, host: '127.0.0.1', port: port ?? s.port, database, user: account?.user ?? 'root', password: account?.password ?? MARIADB_ROOT_PASSWORD };
}

/** creates a MySQL task through the create-task service */
export async function createMyTask(from: MariaDbServer, to: MariaDbServer, database: string, o: TaskOptions & { accounts?: { source?: Account; target?: Account } }): Promise<string> {
  const { createTask } = await import('../../server/services/create-task');
  const t = await createTask({
    name: o.name ?? 'mysql test task',
    source: myEndpoint(from, database, o.ports?.source, o.accounts?.source),
    destination: myEndpoint(to, database, o.ports?.target, o.accounts?.target),
    syncTypes: o.syncTypes ?? { schema: true, full: true, incremental: true },
    ...(o.topology ? { topology: o.topology } : {}),
    objects: o.objects,
    settings: { retryConnectionMinutes: 10, retryOtherMinutes: 2, ...o.settings },
  });
  return t.id;
}

/** the server's current binlog position, "file:offset" */
export async function masterPosition(s: MariaDbServer): Promise<string> {
  const r = await s.query<{ File: string; Position: number | string }>('SHOW MASTER STATUS');
  if (!r[0]) throw new Error('SHOW MASTER STATUS gave nothing: is the binlog on?');
  return `${r[0].File}:${r[0].Position}`;
}

/** waits until `to` has applied, for task `taskId`, everything `from` had committed when called */
export async function waitMyApplied(from: MariaDbServer, to: MariaDbServer, taskId: string, timeoutMs = 90_000): Promise<void> {
  const { comparePos } = await import('../../server/engines/mysql/types');
  const want = await masterPosition(from);
  await waitFor(
    `task ${taskId} to apply up to ${want}`,
    async () => {
      const r = await to.query<{ position: string }>('SELECT position FROM dts.dts_checkpoint WHERE task_id = ?', [taskId]).catch(() => []);
      return r[0] && comparePos(r[0].position, want) >= 0;
    },
    timeoutMs,
  );
}

/** asserts equal ordered checksums of a table on both sides (with rows on the source) */
export async function sameTable(a: MariaDbServer, b: MariaDbServer, database: string, table: string, columns: string[], key: string[], opts: { targetDatabase?: string; targetTable?: string; targetColumns?: string[]; where?: string } = {}) {
  const [x, y] = await Promise.all([
    myChecksum(a, database, table, columns, key, opts.where),
    myChecksum(b, opts.targetDatabase ?? database, opts.targetTable ?? table, opts.targetColumns ?? columns, key.map((k) => opts.targetColumns?.[columns.indexOf(k)] ?? k)),
  ]);
  return { source: x, target: y };
}
