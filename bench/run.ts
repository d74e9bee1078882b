// npm run bench: our full load, incremental catch-up, steady-state latency, the DTS test model
// and a big transaction, against peers where one exists, on servers it starts itself (see
// bench/README.md). Prints tables of medians and writes bench/results/<date>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMeta } from '../test/helpers/harness';
import { parseArgs, USAGE, type BenchOptions } from './lib/args';
import { runBigtxn, type BigtxnInfo } from './lib/bigtxn';
import { runCatchup, type CatchupInfo } from './lib/catchup';
import { SuiteReplicators, teardown } from './lib/dts';
import { FOLLOWER_LABELS } from './lib/followers';
import { runFullLoad, type WorkloadInfo } from './lib/fullload';
import { runModel, type ModelInfo } from './lib/model';
import { PEER_LABELS } from './lib/peers';
import { DTS_CLASSES, P99_LIMIT_MS } from './lib/rates';
import {
  BIGTXN_HEADER,
  bigtxnRows,
  CATCHUP_HEADER,
  catchupRows,
  fmt,
  FULL_LOAD_HEADER,
  formatTable,
  fullLoadRows,
  MODEL_HEADER,
  modelRows,
  STEADY_HEADER,
  steadyRows,
} from './lib/report';
import {
  summarizeBigtxn,
  summarizeCatchup,
  summarizeFullLoad,
  summarizeModel,
  summarizeSteady,
  type BigtxnRun,
  type CatchupRun,
  type FullLoadRun,
  type ModelRun,
  type SteadyRun,
} from './lib/results';
import { ensurePackages, pgcopydbVersion, serverVersion, startServers, type Servers } from './lib/servers';
import { runSteady, type SteadyInfo } from './lib/steady';

const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

/** the code measured: commit and uncommitted files (a dirty tree is measured as it is) */
function gitState(): { commit: string | null; uncommitted: string[] } {
  const run = (args: string[]) => spawnSync('git', args, { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' });
  const head = run(['rev-parse', 'HEAD']);
  const st = run(['status', '--porcelain', '--', 'server', 'scripts', 'prisma', 'bench']);
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    uncommitted: st.status === 0 ? st.stdout.split('\n').filter(Boolean).map((l) => l.slice(3)) : [],
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    /** 1, 5 and 15 minute load averages: other work on the machine makes the figures noisy */
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function main(o: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const loadAtStart = machine().loadAverage;
  const code = gitState();
  ensurePackages(log);
  let servers: Servers | null = null;
  const replicators = new SuiteReplicators(log);
  const fullRuns: FullLoadRun[] = [];
  const catchupRuns: CatchupRun[] = [];
  const workloads: WorkloadInfo[] = [];
  let catchup: CatchupInfo | null = null;
  const steadyRuns: SteadyRun[] = [];
  let steady: SteadyInfo | null = null;
  const modelRuns: ModelRun[] = [];
  let model: ModelInfo | null = null;
  const bigtxnRuns: BigtxnRun[] = [];
  let bigtxn: BigtxnInfo | null = null;
  let fatal: string | null = null;
  const suiteErrors = replicators.errors;
  const env = { pgVersion: '', pgcopydb: pgcopydbVersion() };
  // Ctrl-C too: stop the replicator and every server this run started
  const cleanup = teardown(replicators, () => servers, log);
  try {
    log('starting the metadata database (embedded PostgreSQL 18) and two PostgreSQL 15 servers');
    await startMeta();
    servers = await startServers();
    env.pgVersion = await serverVersion(servers.source);
    log(`source on port ${servers.source.port}, target on port ${servers.target.port}: ${env.pgVersion}`);
    const s = servers;
    if (o.only.includes('fullload')) {
      await runFullLoad(o, { source: s.source, target: s.target, replicator: replicators.get, log, record: (r) => fullRuns.push(r) }, workloads);
    }
    const base = { source: s.source, target: s.target, replicator: replicators.get, log };
    if (o.only.includes('catchup')) catchup = await replicators.suite('catchup', () => runCatchup(o, { ...base, record: (r) => catchupRuns.push(r) }));
    if (o.only.includes('steady')) steady = await replicators.suite('steady', () => runSteady(o, { ...base, record: (r) => steadyRuns.push(r) }));
    if (o.only.includes('model')) model = await replicators.suite('model', () => runModel(o, { ...base, record: (r) => modelRuns.push(r) }));
    if (o.only.includes('bigtxn')) bigtxn = await replicators.suite('bigtxn', () => runBigtxn(o, { ...base, record: (r) => bigtxnRuns.push(r) }));
  } catch (e) {
    fatal = (e as Error).stack ?? String(e);
    log(`benchmark stopped: ${(e as Error).message}`);
  } finally {
    await cleanup();
  }

  const fullSummary = summarizeFullLoad(fullRuns);
  const catchupSummary = summarizeCatchup(catchupRuns);
  const m = machine();
  console.log(`\n${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${env.pgVersion.split(' on ')[0]}, node ${m.node}; medians of ${o.runs} run(s); load average ${loadAtStart[0]} at start, ${m.loadAverage[0]} at end`);
  for (const w of workloads) {
    if (w.error) {
      console.log(`\nFull load: ${w.label}: NOT MEASURED, loading failed: ${w.error}`);
      continue;
    }
    console.log(`\nFull load: ${w.label}; ${w.rows.toLocaleString('en-US')} rows, ${(w.bytes / 1024 / 1024).toFixed(0)} MB of tables (schema, data and keys)`);
    console.log(formatTable(FULL_LOAD_HEADER, fullLoadRows(fullSummary.filter((x) => x.workload === w.name), PEER_LABELS)));
  }
  if (catchupSummary.length) {
    const tx = catchupRuns.map((r) => r.transactions).filter((x): x is number => x !== null);
    console.log(`\nCatch-up after a pause: pgbench -n -N -c ${o.catchupClients} -T ${o.catchupSeconds} on scale ${o.catchupScale} (${tx.join(', ') || '?'} transactions)`);
    console.log(formatTable(CATCHUP_HEADER, catchupRows(catchupSummary, FOLLOWER_LABELS)));
  }
  const steadySummary = summarizeSteady(steadyRuns);
  if (steadySummary.length) {
    console.log(`\nSteady state: pgbench -n -N -c 4 -R <rate> -T ${o.steadySeconds} on scale ${o.steadyScale}, one follower active at a time; latency from WAL positions (every 200 ms)`);
    console.log(formatTable(STEADY_HEADER, steadyRows(steadySummary, FOLLOWER_LABELS)));
  }
  const modelSummary = summarizeModel(modelRuns);
  if (modelSummary.steps.length) {
    const cls = DTS_CLASSES.map((c) => `${c.name} ${c.rps}`).join(', ');
    console.log(`\nDTS test model: 20 tables of ~1 KB rows, 2 DML per transaction, INSERT:UPDATE:DELETE 3:1:2; ${o.modelSeconds} s per step, pgbench -c ${o.modelClients}; a step holds when p99 < ${P99_LIMIT_MS} ms and the source reaches the rate`);
    console.log(formatTable(MODEL_HEADER, modelRows(modelSummary)));
    console.log(`sustained: ${fmt(modelSummary.sustainedRps, 0)} RPS (median over runs): DTS class ${modelSummary.dtsClass ?? 'below micro'} (classes in RPS: ${cls})`);
  }
  const bigtxnSummary = summarizeBigtxn(bigtxnRuns);
  if (bigtxnSummary.length) {
    console.log(`\nBig transaction: UPDATE of ${o.bigtxnRows.toLocaleString('en-US')} rows (~100 bytes) in one transaction, one follower active at a time; markers every 100 ms for 10 s after its COMMIT`);
    console.log(formatTable(BIGTXN_HEADER, bigtxnRows(bigtxnSummary, FOLLOWER_LABELS)));
  }
  for (const [name, err] of Object.entries(suiteErrors)) console.log(`\n${name}: NOT MEASURED: ${err}`);
  console.log('\nclient CPU/peak: peers\' client programs (GNU time); for DTS, the replicator process (/proc). server CPU: source + target postmasters\' process trees.');

  if (o.writeResults) {
    const dir = path.resolve(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
    const result = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...m, loadAverageAtStart: loadAtStart, loadAverageAtEnd: m.loadAverage, postgres: env.pgVersion, pgcopydb: env.pgcopydb },
      code,
      parameters: o,
      ...(fatal ? { fatal } : {}),
      fullLoad: { workloads, runs: fullRuns, medians: fullSummary },
      catchup: catchup ? { ...catchup, runs: catchupRuns, medians: catchupSummary } : null,
      steady: steady || steadyRuns.length ? { ...steady, runs: steadyRuns, medians: steadySummary } : null,
      model: model || modelRuns.length ? { ...model, runs: modelRuns, medians: modelSummary } : null,
      bigtxn: bigtxn || bigtxnRuns.length ? { ...bigtxn, runs: bigtxnRuns, medians: bigtxnSummary } : null,
      ...(Object.keys(suiteErrors).length ? { suiteErrors } : {}),
    };
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  }
  return fatal || Object.keys(suiteErrors).length ? 1 : 0;
}

let opts: BenchOptions;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
// a step given up at its deadline may fail later: say so, and carry on
process.on('unhandledRejection', (e) => log(`(late failure of an abandoned step: ${(e as Error)?.message ?? String(e)})`));
// --engine mysql: MariaDB servers and the MySQL suites (bench/mysql)
process.exit(opts.engine === 'mysql' ? await (await import('./mysql/main')).runMysqlBench(opts, { log, gitState, machine }) : await main(opts));
