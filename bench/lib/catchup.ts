// The incremental catch-up suite. Our task and a native subscription both follow one pgbench
// database. In each run both are paused, `pgbench -n -N` writes for a while, a marker row is
// committed, and then each follower in turn is resumed and timed until it has applied the
// marker (and, second figure, until it has confirmed the LSN taken right after pgbench).
import { performance } from 'node:perf_hooks';
import type { BenchOptions } from './args';
import { RunClock } from './clock';
import { appliedLsnReached, taskState } from './dts';
import { exec } from './exec';
import { changesBetween, pgbenchFollowers, PGBENCH_TOUCH, totalChanges, withFollowers, type Followers } from './followers';
import { parsePgbench } from './pgbench';
import type { CatchupPeer, CatchupResult, CatchupRun } from './results';
import { bin, clientEnv, pgbenchConn, type SuiteEnv } from './servers';
import { pollUntil, TimeoutError, withTimeout } from './timeout';
import { describeChecks, SourceDigests, verifyCopy } from './verify';
import { PGBENCH_TABLES } from './workloads';

const SRC = 'cu_src';

export type CatchupEnv = SuiteEnv<CatchupRun>;

export interface CatchupInfo {
  scale: number;
  setupSeconds: number;
  tables: string[];
}

export async function runCatchup(o: BenchOptions, env: CatchupEnv): Promise<CatchupInfo> {
  const { log } = env;
  log(`catch-up: pgbench -i -s ${o.catchupScale} into ${SRC}; our task and a native subscription follow it`);
  const f = pgbenchFollowers(env, 'catch-up', o.catchupScale, 'cu'); // databases cu_src, cu_dts, cu_native
  return withFollowers(f, 'catch-up', async (setupSeconds) => {
    const info: CatchupInfo = { scale: o.catchupScale, setupSeconds, tables: PGBENCH_TABLES.map((t) => t.name) };
    log(`  both followers are synchronized (${info.setupSeconds.toFixed(0)} s)`);
    const digests = new SourceDigests(env.source);
    await catchupRuns(o, env, (run, signal) => oneRun(o, env, f, digests, run, signal));
    return info;
  });
}

/**
 * The catch-up runs of a suite (any engine), each under the time limit: a run that times out or
 * fails is recorded as such and the next one runs. Each run is recorded and logged.
 */
export async function catchupRuns(o: BenchOptions, env: { record: (r: CatchupRun) => void; log: (m: string) => void }, oneRun: (run: number, signal: AbortSignal) => Promise<CatchupRun>): Promise<void> {
  for (let run = 1; run <= o.runs; run++) {
    const r = await withTimeout(`catch-up run ${run}`, o.timeoutSeconds * 1000, (signal) => oneRun(run, signal)).catch(
      (e: Error): CatchupRun => ({
        run,
        status: e instanceof TimeoutError ? 'timeout' : 'failed',
        error: e.message,
        pgbenchSeconds: o.catchupSeconds,
        transactions: null,
        tps: null,
        changes: null,
        lsn: null,
        walBytes: null,
        order: [],
        results: [],
      }),
    );
    env.record(r);
    const line = r.results.map((x) => `${x.peer} ${x.status === 'ok' ? `${x.seconds?.toFixed(2)} s` : `${x.status.toUpperCase()}: ${x.error}`}`).join(', ');
    env.log(`  run ${run}: ${r.status === 'ok' ? `${r.changes} row changes; ${line}` : `${r.status.toUpperCase()}: ${r.error}${line ? `; ${line}` : ''}`}`);
  }
}

async function oneRun(o: BenchOptions, env: CatchupEnv, f: Followers, digests: SourceDigests, run: number, signal: AbortSignal): Promise<CatchupRun> {
  const { source, target } = env;
  const taskId = f.taskId as string;
  await f.pause('dts', signal);
  await f.pause('native', signal);
  const before = await f.rowChanges();
  const lsn0 = (await source.query<{ l: string }>(SRC, 'SELECT pg_current_wal_lsn()::text AS l'))[0].l;
  const out = await exec(
    bin('pgbench'),
    ['-n', '-N', '-c', String(o.catchupClients), '-j', String(Math.min(2, o.catchupClients)), '-T', String(o.catchupSeconds), ...pgbenchConn(source, SRC)],
    { env: clientEnv, signal },
  );
  const lsn = (await source.query<{ l: string }>(SRC, 'SELECT pg_current_wal_lsn()::text AS l'))[0].l;
  const walBytes = Number((await source.query<{ b: string }>(SRC, 'SELECT ($1::pg_lsn - $2::pg_lsn)::text AS b', [lsn, lsn0]))[0].b);
  const changes = totalChanges(changesBetween(before, await f.settledRowChanges('pgbench', signal)));
  // the last transaction: once a follower shows this row, it has applied everything before it
  const marker = (await source.query<{ hid: string }>(SRC, `${PGBENCH_TOUCH} RETURNING hid::text`))[0].hid;
  digests.forget(SRC);
  const order: CatchupPeer[] = run % 2 === 1 ? ['dts', 'native'] : ['native', 'dts'];
  const results: CatchupResult[] = [];
  for (const peer of order) results.push(await follow(env, f, peer, taskId, marker, lsn, signal));
  for (const r of results) {
    if (r.status !== 'ok') continue;
    const checks = await verifyCopy(digests, SRC, target, f.db(r.peer), PGBENCH_TABLES);
    r.verified = describeChecks(checks);
    if (checks.some((c) => !c.equal)) Object.assign(r, { status: 'failed', error: `wrong copy: ${r.verified}` });
  }
  const figures = parsePgbench(out.stdout);
  return {
    run,
    status: 'ok',
    pgbenchSeconds: o.catchupSeconds,
    transactions: figures.transactions,
    tps: figures.tps,
    changes,
    lsn,
    walBytes,
    order,
    results,
  };
}

/** resumes one follower and times it until the marker row is on its target and the LSN confirmed */
async function follow(env: CatchupEnv, f: Followers, peer: CatchupPeer, taskId: string, marker: string, lsn: string, signal: AbortSignal): Promise<CatchupResult> {
  const { source, target } = env;
  const db = f.db(peer);
  const clock = new RunClock([source.local.dataDir, target.local.dataDir]);
  const res: CatchupResult = { peer, status: 'ok', seconds: null, lsnSeconds: null, serverCpuSeconds: null, replicatorCpuSeconds: null, replicatorPeakRssMb: null, verified: 'not checked' };
  const rep = peer === 'dts' ? await env.replicator() : null;
  try {
    rep?.resetPeak();
    const cpu0 = rep?.cpuSeconds() ?? null;
    clock.start();
    const t0 = performance.now();
    await f.resume(peer);
    await pollUntil(async () => {
      if (peer === 'dts') await taskState(taskId);
      if (!clock.stopped) {
        const seen = await target.query(db, 'SELECT 1 FROM pgbench_history WHERE hid = $1', [marker]);
        if (seen.length) {
          clock.stop();
          res.seconds = clock.elapsed();
          res.serverCpuSeconds = clock.serverCpuSeconds;
          const cpu1 = rep?.cpuSeconds() ?? null;
          res.replicatorCpuSeconds = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
          res.replicatorPeakRssMb = rep?.peakRssMb() ?? null;
        }
      }
      if (res.lsnSeconds === null) {
        const reached =
          peer === 'dts'
            ? await appliedLsnReached(target, taskId, lsn)
            : (await source.query<{ ok: boolean }>(SRC, 'SELECT confirmed_flush_lsn >= $2::pg_lsn AS ok FROM pg_replication_slots WHERE slot_name = $1', [f.spec.native?.sub, lsn]))[0]?.ok === true;
        if (reached) res.lsnSeconds = (performance.now() - t0) / 1000;
      }
      return clock.stopped && res.lsnSeconds !== null;
    }, signal, 50);
  } catch (e) {
    if (signal.aborted) throw e;
    Object.assign(res, { status: 'failed', error: (e as Error).message });
  }
  return res;
}
