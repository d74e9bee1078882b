// Our task between the two MariaDB servers, created through the create-task service as a user
// creates it; started, paused and released with bench/lib/dts.ts (engine-agnostic).
import { createTask } from '../../server/services/create-task';
import { MARIADB_ROOT_PASSWORD, type MariaDbServer } from '../../test/helpers/mysql';
import { posNumber } from './positions';

export function myEndpoint(s: MariaDbServer, database: string) {
  return { engine: 'mysql' as const, host: '127.0.0.1', port: s.port, database, user: 'root', password: MARIADB_ROOT_PASSWORD };
}

/** schema + full + incremental of `tables` of database `srcDb`, into database `dstDb` on the target (2 copy workers) */
export async function createMyBenchTask(name: string, source: MariaDbServer, srcDb: string, target: MariaDbServer, dstDb: string, tables: string[]): Promise<string> {
  const t = await createTask({
    name,
    source: myEndpoint(source, srcDb),
    destination: myEndpoint(target, dstDb),
    syncTypes: { schema: true, full: true, incremental: true },
    objects: { schemas: [{ name: srcDb, ...(dstDb !== srcDb ? { targetName: dstDb } : {}), tables: tables.map((x) => ({ name: x })) }] },
    // a failure shows as Retrying at once; the benchmark takes that as failed rather than wait
    settings: { fullParallelism: 2, retryConnectionMinutes: 10, retryOtherMinutes: 1 },
  });
  return t.id;
}

/** the position the task has applied on the target (its checkpoint row), or null before the first */
export async function taskCheckpoint(target: MariaDbServer, taskId: string): Promise<string | null> {
  const r = await target.query<{ position: string }>('SELECT position FROM dts.dts_checkpoint WHERE task_id = ?', [taskId]).catch(() => []);
  return r[0]?.position ?? null;
}

/** true once the task's checkpoint is at or past `pos` */
export async function taskReached(target: MariaDbServer, taskId: string, pos: string): Promise<boolean> {
  const cp = await taskCheckpoint(target, taskId);
  return cp !== null && posNumber(cp) >= posNumber(pos);
}
