// The incremental catch-up suite. Our task and a native subscription both follow one pgbench
// database. In each run both are paused, `pgbench -n -N` writes for a while, a marker row is
// committed, and then each follower in turn is resumed and timed until it has applied the
// marker (and, second figure, until it has confirmed the LSN taken right after pgbench).
import { performance } from 'node:perf_hooks';
import type { PgServer } from '../../test/helpers/pg';
import type { BenchOptions } from './args';
import { RunClock } from './clock';
import { appliedLsnReached, createBenchTask, pauseTask, releaseTask, startTask, taskState } from './dts';
import { exec } from './exec';
import { copySchema, subscriptionConn } from './peers';
import type { CatchupPeer, CatchupResult, CatchupRun } from './results';
import { bin, clientEnv, dropDatabase, dropSubscription, pgbenchConn, recreateDatabase, type SuiteEnv } from './servers';
import { pollUntil, TimeoutError, withTimeout } from './timeout';
import { describeChecks, SourceDigests, verifyCopy } from './verify';
import { loadPgbench, PGBENCH_TABLES } from './workloads';

const SRC = 'cu_src';
const DTS_DB = 'cu_dts';
const NATIVE_DB = 'cu_native';
const PUB = 'cu_pub';
const SUB = 'cu_sub';
const SETUP_TIMEOUT_MS = 60 * 60_000;

export type CatchupEnv = SuiteEnv<CatchupRun>;

export interface CatchupInfo {
  scale: number;
  setupSeconds: number;
  tables: string[];
}

export async function runCatchup(o: BenchOptions, env: CatchupEnv): Promise<CatchupInfo> {
  const { source, target, log } = env;
  let taskId: string | null = null;
  const t0 = Date.now();
  try {
    log(`catch-up: pgbench -i -s ${o.catchupScale} into ${SRC}; our task and a native subscription follow it`);
    taskId = await withTimeout('catch-up setup', SETUP_TIMEOUT_MS, async (signal) => {
      await loadPgbench(source, SRC, o.catchupScale, signal);
      await recreateDatabase(target, DTS_DB);
      await recreateDatabase(target, NATIVE_DB);
      await env.replicator();
      const id = await createBenchTask('bench catch-up', source, SRC, target, DTS_DB, PGBENCH_TABLES);
      await startTask(id);
      await setupNative(source, target, signal);
      await pollUntil(async () => (await taskState(id)).status === 'Running', signal, 200);
      return id;
    });
    const info: CatchupInfo = { scale: o.catchupScale, setupSeconds: (Date.now() - t0) / 1000, tables: PGBENCH_TABLES.map((t) => t.name) };
    log(`  both followers are synchronized (${info.setupSeconds.toFixed(0)} s)`);
    const digests = new SourceDigests(source);
    for (let run = 1; run <= o.runs; run++) {
      const id = taskId;
      const r = await withTimeout(`catch-up run ${run}`, o.timeoutSeconds * 1000, (signal) => oneRun(o, env, digests, id, run, signal)).catch(
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
      log(`  run ${run}: ${r.status === 'ok' ? `${r.changes} row changes; ${line}` : `${r.status.toUpperCase()}: ${r.error}${line ? `; ${line}` : ''}`}`);
    }
    return info;
  } finally {
    if (taskId) await releaseTask(taskId).catch((e: Error) => log(`  warning: ${e.message}`));
    await dropSubscription(target, NATIVE_DB, SUB).catch(() => undefined);
    await source.query(SRC, `DROP PUBLICATION IF EXISTS ${PUB}`).catch(() => undefined);
    for (const [s, d] of [
      [target, DTS_DB],
      [target, NATIVE_DB],
      [source, SRC],
    ] as const) {
      await dropDatabase(s, d).catch((e: Error) => log(`  warning: dropping ${d}: ${e.message}`));
    }
  }
}

async function setupNative(source: PgServer, target: PgServer, signal: AbortSignal): Promise<void> {
  await copySchema({ server: source, db: SRC }, { server: target, db: NATIVE_DB }, PGBENCH_TABLES, '--schema-only', signal);
  await source.query(SRC, `CREATE PUBLICATION ${PUB} FOR TABLE ${PGBENCH_TABLES.map((t) => `public.${t.name}`).join(', ')}`);
  await target.query(NATIVE_DB, `CREATE SUBSCRIPTION ${SUB} CONNECTION '${subscriptionConn(source, SRC)}' PUBLICATION ${PUB}`);
  await pollUntil(async () => {
    const r = await target.query<{ n: string }>(NATIVE_DB, `SELECT count(*)::text AS n FROM pg_subscription_rel WHERE srsubstate <> 'r'`);
    return r[0].n === '0';
  }, signal, 200);
}

async function tupleChanges(source: PgServer): Promise<number> {
  const r = await source.query<{ n: string }>(
    SRC,
    `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text AS n FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = ANY($1)`,
    [PGBENCH_TABLES.map((t) => t.name)],
  );
  return Number(r[0].n);
}

async function pauseNative(source: PgServer, target: PgServer, signal: AbortSignal): Promise<void> {
  await target.query(NATIVE_DB, `ALTER SUBSCRIPTION ${SUB} DISABLE`);
  await pollUntil(async () => {
    const w = await target.query(NATIVE_DB, `SELECT 1 FROM pg_stat_subscription WHERE subname = $1 AND pid IS NOT NULL`, [SUB]);
    const s = await source.query(SRC, `SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active`, [SUB]);
    return w.length === 0 && s.length === 0;
  }, signal, 100);
}

async function oneRun(o: BenchOptions, env: CatchupEnv, digests: SourceDigests, taskId: string, run: number, signal: AbortSignal): Promise<CatchupRun> {
  const { source, target } = env;
  await pauseTask(taskId, signal);
  await pauseNative(source, target, signal);
  const before = await tupleChanges(source);
  const lsn0 = (await source.query<{ l: string }>(SRC, 'SELECT pg_current_wal_lsn()::text AS l'))[0].l;
  const out = await exec(
    bin('pgbench'),
    ['-n', '-N', '-c', String(o.catchupClients), '-j', String(Math.min(2, o.catchupClients)), '-T', String(o.catchupSeconds), ...pgbenchConn(source, SRC)],
    { env: clientEnv, signal },
  );
  const lsn = (await source.query<{ l: string }>(SRC, 'SELECT pg_current_wal_lsn()::text AS l'))[0].l;
  const walBytes = Number((await source.query<{ b: string }>(SRC, 'SELECT ($1::pg_lsn - $2::pg_lsn)::text AS b', [lsn, lsn0]))[0].b);
  const changes = (await tupleChanges(source)) - before;
  // the last transaction: once a follower shows this row, it has applied everything before it
  const marker = (await source.query<{ hid: string }>(SRC, `INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (0, 0, 0, 0, now()) RETURNING hid::text`))[0].hid;
  digests.forget(SRC);
  const order: CatchupPeer[] = run % 2 === 1 ? ['dts', 'native'] : ['native', 'dts'];
  const results: CatchupResult[] = [];
  for (const peer of order) results.push(await follow(env, peer, taskId, marker, lsn, signal));
  for (const r of results) {
    if (r.status !== 'ok') continue;
    const checks = await verifyCopy(digests, SRC, target, r.peer === 'dts' ? DTS_DB : NATIVE_DB, PGBENCH_TABLES);
    r.verified = describeChecks(checks);
    if (checks.some((c) => !c.equal)) Object.assign(r, { status: 'failed', error: `wrong copy: ${r.verified}` });
  }
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(out.stdout)?.[1] ?? NaN);
  const tps = Number(/tps = ([\d.]+)/.exec(out.stdout)?.[1] ?? NaN);
  return {
    run,
    status: 'ok',
    pgbenchSeconds: o.catchupSeconds,
    transactions: Number.isFinite(transactions) ? transactions : null,
    tps: Number.isFinite(tps) ? tps : null,
    changes,
    lsn,
    walBytes,
    order,
    results,
  };
}

/** resumes one follower and times it until the marker row is on its target and the LSN confirmed */
async function follow(env: CatchupEnv, peer: CatchupPeer, taskId: string, marker: string, lsn: string, signal: AbortSignal): Promise<CatchupResult> {
  const { source, target } = env;
  const db = peer === 'dts' ? DTS_DB : NATIVE_DB;
  const clock = new RunClock([source.local.dataDir, target.local.dataDir]);
  const res: CatchupResult = { peer, status: 'ok', seconds: null, lsnSeconds: null, serverCpuSeconds: null, replicatorCpuSeconds: null, replicatorPeakRssMb: null, verified: 'not checked' };
  const rep = peer === 'dts' ? await env.replicator() : null;
  try {
    rep?.resetPeak();
    const cpu0 = rep?.cpuSeconds() ?? null;
    clock.start();
    const t0 = performance.now();
    if (peer === 'dts') await startTask(taskId);
    else await target.query(NATIVE_DB, `ALTER SUBSCRIPTION ${SUB} ENABLE`);
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
            : (await source.query<{ ok: boolean }>(SRC, 'SELECT confirmed_flush_lsn >= $2::pg_lsn AS ok FROM pg_replication_slots WHERE slot_name = $1', [SUB, lsn]))[0]?.ok === true;
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
