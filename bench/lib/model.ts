// The DTS test model suite (bench/lib/model-workload.ts): 20 tables of ~1 KB rows followed by
// our task. Each run climbs the rate steps (row changes/s; pgbench -R is half, 2 DML per
// transaction) and stops at the first step where the p99 latency reaches 1 s or the source
// cannot drive the rate (bench/lib/rates.ts). The target is checked against the source at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchOptions } from './args';
import { Followers, withFollowers } from './followers';
import { measureInterval } from './measure';
import { checkCounts, expectedChanges, MODEL_TABLE_COUNT, modelScripts, modelTable, modelTableSql, modelTables } from './model-workload';
import { dtsClass, judgeStep, sustainedRps } from './rates';
import type { ModelRun, ModelStep } from './results';
import { recreateDatabase, withClient, type SuiteEnv } from './servers';
import { TimeoutError, withTimeout } from './timeout';
import { SourceDigests } from './verify';

const SRC = 'md_src';

export interface ModelInfo {
  tables: number;
  rowsPerTable: number;
  seconds: number;
  clients: number;
  stepsRps: number[];
  setupSeconds: number;
  verified: Record<string, string>;
}

async function loadModel(o: BenchOptions, env: SuiteEnv<ModelRun>): Promise<void> {
  const { source } = env;
  await recreateDatabase(source, SRC);
  // two sessions fill the tables
  const halves = [0, 1].map((h) => Array.from({ length: MODEL_TABLE_COUNT }, (_, i) => i + 1).filter((n) => n % 2 === h));
  await Promise.all(halves.map((ns) => withClient(source, SRC, async (c) => {
    for (const n of ns) for (const sql of modelTableSql(n, o.modelRows)) await c.query(sql);
  })));
  for (const t of modelTables()) await source.query(SRC, `VACUUM (FREEZE, ANALYZE) ${t}`);
  await source.query(SRC, 'CHECKPOINT');
}

export async function runModel(o: BenchOptions, env: SuiteEnv<ModelRun>): Promise<ModelInfo> {
  const { log } = env;
  log(`model: ${MODEL_TABLE_COUNT} tables of ${o.modelRows} rows (~1 KB each) in ${SRC}, followed by our task`);
  const f = new Followers(env, {
    label: 'model',
    srcDb: SRC,
    tables: modelTables().map((name) => ({ name, key: ['id'] })),
    load: () => loadModel(o, env),
    dtsDb: 'md_dts',
    touchSql: `INSERT INTO ${modelTable(1)} (payload) VALUES ('touch')`,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-model-'));
  try {
    const files = modelScripts(o.modelRows).map((s) => {
      const file = path.join(dir, s.name);
      writeFileSync(file, s.text);
      return file;
    });
    return await withFollowers(f, 'model', async (setupSeconds) => {
      log(`  synchronized (${setupSeconds.toFixed(0)} s)`);
      await modelRuns(o, env, (rps, run) => oneStep(o, env, f, files, rps, run), (step) => `counts ${step.counts.startsWith('exact') ? 'exact' : step.counts}`);
      const verified = await withTimeout('model: checking the target', o.timeoutSeconds * 1000, (signal) => f.verify(new SourceDigests(env.source), signal)).catch((e: Error) => ({
        error: e.message,
      }));
      log(`  checked: ${Object.entries(verified).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
      return { tables: MODEL_TABLE_COUNT, rowsPerTable: o.modelRows, seconds: o.modelSeconds, clients: o.modelClients, stepsRps: o.modelRps, setupSeconds, verified };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The model's runs (any engine): each climbs the rate steps until one does not hold, then its
 * sustained rate and DTS class are recorded and logged. `detail` adds to a measured step's log
 * line (e.g. how the statement counts came out).
 */
export async function modelRuns(
  o: BenchOptions,
  env: { record: (r: ModelRun) => void; log: (m: string) => void },
  step: (rps: number, run: number) => Promise<ModelStep>,
  detail: (s: ModelStep) => string,
): Promise<void> {
  for (let run = 1; run <= o.runs; run++) {
    const r: ModelRun = { run, status: 'ok', steps: [], sustainedRps: null, dtsClass: null };
    for (const rps of o.modelRps) {
      const s = await step(rps, run);
      r.steps.push(s);
      const fig = s.figures;
      env.log(
        `  run ${run} step ${rps} RPS: ` +
          (fig
            ? `achieved ${Math.round(fig.rowsPerSecond)} RPS, p50 ${fig.latency.p50Ms?.toFixed(0)} ms p99 ${fig.latency.p99Ms?.toFixed(0)} ms; ${detail(s)}` +
              (s.verdict?.pass ? '' : `; stops: ${s.verdict?.reasons.join(', ')}`)
            : `${s.status.toUpperCase()}: ${s.error}`),
      );
      if (!s.verdict?.pass) break;
    }
    r.sustainedRps = sustainedRps(r.steps.map((x) => x.verdict).filter((v) => v !== null));
    r.dtsClass = dtsClass(r.sustainedRps);
    if (r.steps.every((x) => x.status !== 'ok')) Object.assign(r, { status: r.steps[0]?.status ?? 'failed', error: r.steps[0]?.error });
    env.log(`  run ${run}: sustained ${r.sustainedRps === null ? '—' : Math.round(r.sustainedRps)} RPS with p99 < 1 s: DTS class ${r.dtsClass ?? 'below micro'}`);
    env.record(r);
  }
}

async function oneStep(o: BenchOptions, env: SuiteEnv<ModelRun>, f: Followers, files: string[], rps: number, run: number): Promise<ModelStep> {
  const rateTps = Math.max(1, Math.round(rps / 2));
  try {
    const figures = await withTimeout(`model run ${run} step ${rps} RPS`, o.timeoutSeconds * 1000, async (signal) => {
      await f.only('dts', signal);
      return measureInterval({
        followers: f,
        peer: 'dts',
        replicator: env.replicator,
        pgbenchArgs: ['-n', '-c', String(o.modelClients), '-j', '2', ...files.flatMap((x) => ['-f', `${x}@1`])],
        rateTps,
        seconds: o.modelSeconds,
        signal,
      });
    });
    const verdict = judgeStep({ targetRps: rps, achievedRps: figures.rowsPerSecond, p99Ms: figures.latency.p99Ms, unreached: figures.latency.unreached });
    const counts = checkCounts(expectedChanges(figures.pgbench.perScript), figures.changes, o.modelClients);
    return { peer: 'dts', rateTps, targetRps: rps, status: 'ok', figures, verdict, counts };
  } catch (e) {
    return { peer: 'dts', rateTps, targetRps: rps, status: e instanceof TimeoutError ? 'timeout' : 'failed', error: (e as Error).message, figures: null, verdict: null, counts: 'not checked' };
  }
}
