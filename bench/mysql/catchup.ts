// The MySQL catch-up suite. Our task and MariaDB's own replication both follow one sysbench
// database. In each run both are paused, `sysbench oltp_write_only` writes for a while, and
// then each follower in turn is resumed and timed until it has applied everything up to the
// source's binlog position taken right after sysbench (ours: its checkpoint row on the target;
// native: SHOW SLAVE STATUS Relay_Master_Log_File:Exec_Master_Log_Pos).
import type { BenchOptions } from '../lib/args';
import { pauseTask, releaseTask, startTask, taskState, waitTaskRunning } from '../lib/dts';
import { catchupRuns } from '../lib/catchup';
import type { CatchupPeer, CatchupResult, CatchupRun } from '../lib/results';
import { pollUntil, withTimeout } from '../lib/timeout';
import { dropNative, nativeReached, pauseNative, resumeNative, startNative } from './native';
import { dropDb, rowOps, MyClock, type MySuiteEnv } from './servers';
import { parseSysbench, prepareSbtest, sbTables, sysbenchRun } from './sysbench';
import { createMyBenchTask, taskCheckpoint, taskReached } from './task';
import { describeMyChecks, MySourceDigests, verifyMyCopy } from './verify';
import { masterPosition } from '../../test/helpers/mysql-harness';

const SRC = 'cu_src';
const DB: Record<CatchupPeer, string> = { dts: 'cu_dts', native: 'cu_native' };
const SETUP_TIMEOUT_MS = 60 * 60_000;

export interface MyCatchupInfo {
  tables: number;
  rowsPerTable: number;
  setupSeconds: number;
}

/** the followed sysbench database: 8 x 100,000 rows, --quick 4 x 10,000 */
export const catchupShape = (o: BenchOptions) => (o.quick ? { tables: 4, rows: 10_000 } : { tables: 8, rows: 100_000 });

export async function runMyCatchup(o: BenchOptions, env: MySuiteEnv<CatchupRun>): Promise<MyCatchupInfo> {
  const { source, target, log } = env;
  const shape = catchupShape(o);
  const tables = sbTables(shape.tables);
  log(`catch-up: sysbench prepare ${shape.tables} x ${shape.rows} rows into ${SRC}; our task and MariaDB replication follow it`);
  const t0 = Date.now();
  let taskId: string | null = null;
  try {
    const id = await withTimeout('catch-up setup', SETUP_TIMEOUT_MS, async (signal) => {
      await prepareSbtest(source, SRC, shape.tables, shape.rows, signal);
      await dropDb(target, DB.dts);
      await env.replicator();
      const created = await createMyBenchTask('bench catch-up', source, SRC, target, DB.dts, tables);
      taskId = created; // released in the finally below, even when the setup fails
      await startTask(created);
      await startNative(source, target, { srcDb: SRC, db: DB.native }, signal);
      await waitTaskRunning(created, signal);
      return created;
    });
    const info: MyCatchupInfo = { tables: shape.tables, rowsPerTable: shape.rows, setupSeconds: (Date.now() - t0) / 1000 };
    log(`  both followers are synchronized (${info.setupSeconds.toFixed(0)} s)`);
    const digests = new MySourceDigests(source);
    await catchupRuns(o, env, (run, signal) => oneRun(o, env, id, tables, digests, run, signal));
    return info;
  } finally {
    if (taskId) await releaseTask(taskId).catch((e: Error) => log(`  warning: ${e.message}`));
    await dropNative(target);
    for (const [s, d] of [[target, DB.dts], [target, DB.native], [source, SRC]] as const) await dropDb(s, d).catch((e: Error) => log(`  warning: dropping ${d}: ${e.message}`));
  }
}

/** binlog bytes between two positions of the same file (null across files) */
function binlogBytes(a: string, b: string): number | null {
  const [fa, pa] = a.split(':');
  const [fb, pb] = b.split(':');
  return fa === fb ? Number(pb) - Number(pa) : null;
}

async function oneRun(o: BenchOptions, env: MySuiteEnv<CatchupRun>, taskId: string, tables: string[], digests: MySourceDigests, run: number, signal: AbortSignal): Promise<CatchupRun> {
  const { source, target } = env;
  const shape = catchupShape(o);
  await pauseTask(taskId, signal);
  await pauseNative(target, signal);
  const before = await rowOps(source);
  const pos0 = await masterPosition(source);
  const paused = await taskCheckpoint(target, taskId);
  const out = await sysbenchRun(source, SRC, 'oltp_write_only', [`--tables=${shape.tables}`, `--table-size=${shape.rows}`, `--threads=${o.catchupClients}`], o.catchupSeconds, signal);
  const pos = await masterPosition(source);
  const after = await rowOps(source);
  const changes = after.ins - before.ins + (after.upd - before.upd) + (after.del - before.del);
  digests.forget(SRC);
  // a paused follower applies nothing: its checkpoint has not moved during the load
  const still = await taskCheckpoint(target, taskId);
  if (still !== paused) throw new Error(`our task applied changes while Paused: its checkpoint moved from ${paused} to ${still}`);
  const order: CatchupPeer[] = run % 2 === 1 ? ['dts', 'native'] : ['native', 'dts'];
  const results: CatchupResult[] = [];
  for (const peer of order) results.push(await follow(env, peer, taskId, pos, signal));
  for (const r of results) {
    if (r.status !== 'ok') continue;
    const checks = await verifyMyCopy(digests, SRC, target, DB[r.peer], tables, ['id']);
    r.verified = describeMyChecks(checks);
    if (checks.some((c) => !c.equal)) Object.assign(r, { status: 'failed', error: `wrong copy: ${r.verified}` });
  }
  const figures = parseSysbench(out.stdout);
  return { run, status: 'ok', pgbenchSeconds: o.catchupSeconds, transactions: figures.transactions, tps: figures.tps, changes, lsn: pos, walBytes: binlogBytes(pos0, pos), order, results };
}

/** resumes one follower and times it until it has applied up to `pos` */
async function follow(env: MySuiteEnv<CatchupRun>, peer: CatchupPeer, taskId: string, pos: string, signal: AbortSignal): Promise<CatchupResult> {
  const { source, target } = env;
  const clock = new MyClock([source, target]);
  const res: CatchupResult = { peer, status: 'ok', seconds: null, lsnSeconds: null, serverCpuSeconds: null, replicatorCpuSeconds: null, replicatorPeakRssMb: null, verified: 'not checked' };
  const rep = peer === 'dts' ? await env.replicator() : null;
  try {
    rep?.resetPeak();
    const cpu0 = rep?.cpuSeconds() ?? null;
    clock.start();
    if (peer === 'dts') await startTask(taskId);
    else await resumeNative(target);
    await pollUntil(async () => {
      if (peer === 'dts') {
        if (!rep?.alive) throw new Error(`the replicator exited: ${rep?.recentOutput(4)}`);
        await taskState(taskId);
        return taskReached(target, taskId, pos);
      }
      return nativeReached(target, pos);
    }, signal, 50);
    clock.stop();
    res.seconds = clock.elapsed();
    res.lsnSeconds = res.seconds;
    res.serverCpuSeconds = clock.serverCpuSeconds;
    const cpu1 = rep?.cpuSeconds() ?? null;
    res.replicatorCpuSeconds = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
    res.replicatorPeakRssMb = rep?.peakRssMb() ?? null;
  } catch (e) {
    if (signal.aborted) throw e;
    Object.assign(res, { status: 'failed', error: (e as Error).message });
  }
  return res;
}
