// MariaDB's own replication as the catch-up peer: the target server replicates the source
// database into another database of its own (replicate_rewrite_db + replicate_do_db, dynamic
// in 10.11), from the binlog position of a dump taken while nothing wrote to the database.
import { MARIADB_ROOT_PASSWORD, type MariaDbServer } from '../../test/helpers/mysql';
import { bash } from '../lib/exec';
import { pollUntil } from '../lib/timeout';
import { posNumber, slaveExecuted } from './positions';
import { myClientEnv, myConnArgs, recreateDb } from './servers';
import { masterPosition } from '../../test/helpers/mysql-harness';

/**
 * The replica's parallel apply: BENCH_MY_SLAVE_PARALLEL=N sets slave_parallel_threads=N with
 * slave_parallel_mode=optimistic; unset or 0, MariaDB's default (one SQL thread).
 */
export function nativeParallelThreads(env: Record<string, string | undefined> = process.env): number {
  const v = env.BENCH_MY_SLAVE_PARALLEL;
  if (v === undefined || v === '') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new Error(`BENCH_MY_SLAVE_PARALLEL must be a whole number 0..256, got ${v}`);
  return n;
}

export interface NativeReplica {
  srcDb: string;
  db: string;
}

/** copies srcDb into db (mariadb-dump | mariadb) and starts replication from the position before the dump */
export async function startNative(source: MariaDbServer, target: MariaDbServer, n: NativeReplica, signal: AbortSignal): Promise<void> {
  await recreateDb(target, n.db);
  const pos = await masterPosition(source);
  await bash(`mariadb-dump $SRC --single-transaction "$SRCDB" | mariadb $DST "$DSTDB"`, {
    env: { ...myClientEnv, SRC: myConnArgs(source).join(' '), DST: myConnArgs(target).join(' '), SRCDB: n.srcDb, DSTDB: n.db },
    signal,
  });
  const after = await masterPosition(source);
  const [file, offset] = pos.split(':');
  await dropNative(target);
  const threads = nativeParallelThreads();
  await target.query(`SET GLOBAL slave_parallel_threads = ${threads}; SET GLOBAL slave_parallel_mode = '${threads > 0 ? 'optimistic' : 'conservative'}'`);
  await target.query(
    `SET GLOBAL replicate_rewrite_db = '${n.srcDb}->${n.db}'; SET GLOBAL replicate_do_db = '${n.db}';
     CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${source.port}, MASTER_USER = 'root', MASTER_PASSWORD = '${MARIADB_ROOT_PASSWORD}',
       MASTER_LOG_FILE = '${file}', MASTER_LOG_POS = ${Number(offset)}, MASTER_USE_GTID = no;
     START SLAVE`,
  );
  await waitNative(target, after, signal);
}

export async function slaveStatus(target: MariaDbServer): Promise<Record<string, unknown> | undefined> {
  return (await target.query<Record<string, unknown>>('SHOW SLAVE STATUS'))[0];
}

/** true once the replica has executed up to `pos`; throws when its SQL or IO thread stopped on an error */
export async function nativeReached(target: MariaDbServer, pos: string): Promise<boolean> {
  const st = await slaveStatus(target);
  const err = [st?.Last_SQL_Error, st?.Last_IO_Error].filter((e) => typeof e === 'string' && e).join('; ');
  if (err) throw new Error(`native replication failed: ${err}`);
  const done = slaveExecuted(st);
  return done !== null && posNumber(done) >= posNumber(pos);
}

export async function waitNative(target: MariaDbServer, pos: string, signal: AbortSignal): Promise<void> {
  await pollUntil(() => nativeReached(target, pos), signal, 50);
}

/** STOP SLAVE and wait until both threads are down */
export async function pauseNative(target: MariaDbServer, signal: AbortSignal): Promise<void> {
  await target.query('STOP SLAVE');
  await pollUntil(async () => {
    const st = await slaveStatus(target);
    return st?.Slave_IO_Running === 'No' && st?.Slave_SQL_Running === 'No';
  }, signal, 50);
}

export async function resumeNative(target: MariaDbServer): Promise<void> {
  await target.query('START SLAVE');
}

/** removes the replica configuration and its filters; never throws */
export async function dropNative(target: MariaDbServer): Promise<void> {
  for (const sql of ['STOP SLAVE', 'RESET SLAVE ALL', "SET GLOBAL replicate_rewrite_db = ''", "SET GLOBAL replicate_do_db = ''", 'SET GLOBAL slave_parallel_threads = 0']) {
    await target.query(sql).catch(() => undefined);
  }
}
