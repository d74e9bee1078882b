// The DTS test model on MariaDB (bench/mysql/model-workload.ts), followed by our task. Each run
// climbs the rate steps (row changes/s; sysbench --rate is half, 2 DML per transaction) and
// stops at the first step where the p99 latency reaches 1 s or the source cannot drive the rate
// (bench/lib/rates.ts). Latency from binlog positions (bench/lib/lag.ts): the source's
// SHOW MASTER STATUS every 200 ms, the task's checkpoint on the target every 10 ms.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type mysql from 'mysql2/promise';
import type { MariaDbServer } from '../../test/helpers/mysql';
import type { BenchOptions } from '../lib/args';
import { releaseTask, startTask, taskState, waitTaskRunning } from '../lib/dts';
import { exec } from '../lib/exec';
import { DRAIN_MS, latencyFigures, OBSERVE_EVERY_MS, POINT_EVERY_MS, Poller, type IntervalFigures } from '../lib/measure';
import { modelRuns } from '../lib/model';
import { judgeStep } from '../lib/rates';
import type { ModelRun, ModelStep } from '../lib/results';
import { pollUntil, sleep, TimeoutError, withTimeout } from '../lib/timeout';
import { MY_MODEL_TABLE_COUNT, myModelLua, myModelTables, myModelTableSql } from './model-workload';
import { posNumber } from './positions';
import { dropDb, rowOps, MyClock, openConnection, qi, recreateDb, sysbenchConn, type MySuiteEnv } from './servers';
import { parseSysbench } from './sysbench';
import { createMyBenchTask, taskReached } from './task';
import { describeMyChecks, MySourceDigests, verifyMyCopy } from './verify';
import { masterPosition } from '../../test/helpers/mysql-harness';

const SRC = 'md_src';
const DST = 'md_dts';

export interface MyModelInfo {
  tables: number;
  rowsPerTable: number;
  seconds: number;
  clients: number;
  stepsRps: number[];
  setupSeconds: number;
  verified: string;
}

/** a binlog position read every `everyMs` on a connection of its own */
async function positionPoller(s: MariaDbServer, read: (c: mysql.Connection) => Promise<string | null>, everyMs: number): Promise<Poller> {
  const c = await openConnection(s);
  return Poller.over(async () => {
    const v = await read(c);
    return v === null ? 0n : posNumber(v);
  }, () => c.end(), everyMs);
}

const readMaster = async (c: mysql.Connection): Promise<string | null> => {
  const [rows] = await c.query('SHOW MASTER STATUS');
  const r = (rows as { File: string; Position: number | string }[])[0];
  return r ? `${r.File}:${r.Position}` : null;
};

const readCheckpoint = (taskId: string) => async (c: mysql.Connection): Promise<string | null> => {
  const [rows] = await c.query('SELECT position FROM dts.dts_checkpoint WHERE task_id = ?', [taskId]).catch(() => [[]]);
  return (rows as { position: string }[])[0]?.position ?? null;
};

export async function runMyModel(o: BenchOptions, env: MySuiteEnv<ModelRun>): Promise<MyModelInfo> {
  const { source, target, log } = env;
  log(`model: ${MY_MODEL_TABLE_COUNT} tables of ${o.modelRows} rows (~1 KB each) in ${SRC}, followed by our task`);
  const t0 = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-mymodel-'));
  const lua = path.join(dir, 'model.lua');
  writeFileSync(lua, myModelLua(o.modelRows));
  let taskId: string | null = null;
  try {
    await recreateDb(source, SRC);
    await Promise.all([0, 1].map(async (h) => {
      for (let n = 1 + h; n <= MY_MODEL_TABLE_COUNT; n += 2) for (const sql of myModelTableSql(SRC, n, o.modelRows)) await source.query(sql);
    }));
    await source.query(`ANALYZE TABLE ${myModelTables().map((t) => `${qi(SRC)}.${t}`).join(', ')}`);
    await dropDb(target, DST);
    await env.replicator();
    taskId = await createMyBenchTask('bench model', source, SRC, target, DST, myModelTables());
    const id = taskId;
    await startTask(id);
    await withTimeout('model setup', 60 * 60_000, (signal) => waitTaskRunning(id, signal));
    const setupSeconds = (Date.now() - t0) / 1000;
    log(`  synchronized (${setupSeconds.toFixed(0)} s)`);
    await modelRuns(o, env, (rps, run) => oneStep(o, env, id, lua, rps, run), (step) => {
      const c = step.figures?.changes;
      return c ? `ins ${c.ins} upd ${c.upd} del ${c.del}` : '';
    });
    const verified = await withTimeout('model: checking the target', o.timeoutSeconds * 1000, async (signal) => {
      await catchUp(env, id, signal);
      return describeMyChecks(await verifyMyCopy(new MySourceDigests(source), SRC, target, DST, myModelTables(), ['id']));
    }).catch((e: Error) => `not checked: ${e.message}`);
    log(`  checked: ${verified}`);
    return { tables: MY_MODEL_TABLE_COUNT, rowsPerTable: o.modelRows, seconds: o.modelSeconds, clients: o.modelClients, stepsRps: o.modelRps, setupSeconds, verified };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (taskId) await releaseTask(taskId).catch((e: Error) => log(`  warning: ${e.message}`));
    for (const [s, d] of [[target, DST], [source, SRC]] as const) await dropDb(s, d).catch((e: Error) => log(`  warning: dropping ${d}: ${e.message}`));
  }
}

/** the task is running and has applied everything committed so far */
async function catchUp(env: MySuiteEnv<ModelRun>, taskId: string, signal: AbortSignal): Promise<void> {
  await startTask(taskId);
  const pos = await masterPosition(env.source);
  await pollUntil(async () => {
    await taskState(taskId);
    return taskReached(env.target, taskId, pos);
  }, signal, 50);
}

async function oneStep(o: BenchOptions, env: MySuiteEnv<ModelRun>, taskId: string, lua: string, rps: number, run: number): Promise<ModelStep> {
  const rateTps = Math.max(1, Math.round(rps / 2));
  try {
    const figures = await withTimeout(`model run ${run} step ${rps} RPS`, o.timeoutSeconds * 1000, async (signal) => {
      await catchUp(env, taskId, signal);
      return measure(o, env, taskId, lua, rateTps, signal);
    });
    const verdict = judgeStep({ targetRps: rps, achievedRps: figures.rowsPerSecond, p99Ms: figures.latency.p99Ms, unreached: figures.latency.unreached });
    return { peer: 'dts', rateTps, targetRps: rps, status: 'ok', figures, verdict, counts: `ins ${figures.changes.ins}, upd ${figures.changes.upd}, del ${figures.changes.del} (Handler_* deltas)` };
  } catch (e) {
    return { peer: 'dts', rateTps, targetRps: rps, status: e instanceof TimeoutError ? 'timeout' : 'failed', error: (e as Error).message, figures: null, verdict: null, counts: 'not checked' };
  }
}

/** sysbench at `rateTps` for modelSeconds while the task follows; latency points from 1 s in to 1 s before the end */
async function measure(o: BenchOptions, env: MySuiteEnv<ModelRun>, taskId: string, lua: string, rateTps: number, signal: AbortSignal): Promise<IntervalFigures> {
  const { source, target } = env;
  const rep = await env.replicator();
  const clock = new MyClock([source, target]);
  const stopLoad = new AbortController();
  const onAbort = () => stopLoad.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let observe: Poller | null = null;
  let points: Poller | null = null;
  let load: Promise<{ stdout: string }> | null = null;
  let lastCheck = 0;
  const check = async () => {
    if (!rep.alive) throw new Error(`the replicator exited: ${rep.recentOutput(3)}`);
    if (performance.now() - lastCheck < 500) return;
    lastCheck = performance.now();
    await taskState(taskId);
  };
  try {
    const before = await rowOps(source);
    observe = await positionPoller(target, readCheckpoint(taskId), OBSERVE_EVERY_MS);
    rep.resetPeak();
    const cpu0 = rep.cpuSeconds();
    clock.start();
    load = exec('sysbench', [lua, ...sysbenchConn(source, SRC), `--threads=${o.modelClients}`, `--rate=${rateTps}`, `--time=${o.modelSeconds}`, '--report-interval=0', 'run'], { signal: stopLoad.signal });
    const ended = load.then(() => true, () => true);
    const edge = Math.min(1000, (o.modelSeconds * 1000) / 4);
    await Promise.race([sleep(edge, signal), ended]);
    points = await positionPoller(source, readMaster, POINT_EVERY_MS);
    await Promise.race([sleep(o.modelSeconds * 1000 - 2 * edge, signal), ended]);
    const pts = await points.stop();
    points = null;
    const out = await load;
    load = null;
    clock.stop();
    const cpu1 = rep.cpuSeconds();
    const after = await rowOps(source);
    const last = pts.reduce((m, p) => (p.pos > m ? p.pos : m), 0n);
    await observe.until(last, DRAIN_MS, signal, check);
    const obs = await observe.stop();
    observe = null;
    const changes = { ins: after.ins - before.ins, upd: after.upd - before.upd, del: after.del - before.del };
    const sb = parseSysbench(out.stdout);
    return {
      peer: 'dts',
      rateTps,
      seconds: o.modelSeconds,
      pgbench: { transactions: sb.transactions, tps: sb.tps, latencyAvgMs: sb.latencyAvgMs, scheduleLagAvgMs: null, perScript: [] },
      changes,
      rowsPerSecond: (changes.ins + changes.upd + changes.del) / o.modelSeconds,
      latency: latencyFigures(pts, obs),
      serverCpuSeconds: clock.serverCpuSeconds,
      replicatorCpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      replicatorPeakRssMb: rep.peakRssMb(),
    };
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (load) {
      stopLoad.abort(new Error('the interval ended early'));
      await load.catch(() => undefined);
    }
    await points?.stop().catch(() => undefined);
    await observe?.stop().catch(() => undefined);
  }
}
