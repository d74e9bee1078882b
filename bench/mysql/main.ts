// `npm run bench -- --engine mysql`: the MySQL suites on two MariaDB servers this run starts
// (full load against mydumper/myloader and mariadb-dump, catch-up against MariaDB replication,
// the DTS test model). Prints tables of medians and writes bench/results/<date>-mysql.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startMeta } from '../../test/helpers/harness';
import type { BenchOptions } from '../lib/args';
import { SuiteReplicators, teardown } from '../lib/dts';
import { DTS_CLASSES, P99_LIMIT_MS } from '../lib/rates';
import { CATCHUP_HEADER, catchupRows, fmt, formatTable, MODEL_HEADER, modelRows } from '../lib/report';
import { summarizeCatchup, summarizeModel, type CatchupRun, type ModelRun } from '../lib/results';
import { runMyCatchup, type MyCatchupInfo } from './catchup';
import { nativeParallelThreads } from './native';
import { runMyFullLoad, type MyFullLoadInfo } from './fullload';
import { runMyModel, type MyModelInfo } from './model';
import { MY_PEER_LABELS } from './peers';
import { MY_FULL_LOAD_HEADER, myFullLoadRows, summarizeMyFullLoad, type MyFullLoadRun } from './results';
import { myServerVersion, startMyServers, type MyServers } from './servers';

export const MY_SUITES = ['fullload', 'catchup', 'model'] as const;

const parallel = nativeParallelThreads();
export const MY_FOLLOWER_LABELS = {
  dts: 'DTS (ours)',
  native: parallel > 0 ? `MariaDB replication (${parallel} optimistic parallel threads)` : 'MariaDB replication (START SLAVE, 1 SQL thread)',
};

interface Host {
  log: (m: string) => void;
  gitState: () => { commit: string | null; uncommitted: string[] };
  machine: () => { nproc: number; cpuModel: string; memoryGiB: number; node: string; loadAverage: number[] };
}

const toolVersion = (cmd: string, arg = '--version') => {
  const r = spawnSync(cmd, [arg], { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : null;
};

/** the catch-up table without the PostgreSQL "to LSN" column (both followers are timed to the binlog position) */
const dropColumn = (rows: string[][], i: number) => rows.map((r) => r.filter((_, j) => j !== i));

export async function runMysqlBench(o: BenchOptions, host: Host): Promise<number> {
  const { log } = host;
  const startedAt = new Date();
  const loadAtStart = host.machine().loadAverage;
  const code = host.gitState();
  const skipped = o.only.filter((s) => !(MY_SUITES as readonly string[]).includes(s));
  if (skipped.length) log(`--engine mysql: ${skipped.join(', ')} not measured for MySQL (suites: ${MY_SUITES.join(', ')})`);
  const missing = ['sysbench', 'mydumper', 'myloader', 'mariadb-dump', 'mariadb'].filter((t) => toolVersion(t) === null);
  if (missing.length) log(`missing client programs: ${missing.join(', ')} (apt-get install sysbench mydumper mariadb-client); peers that need them will fail`);
  let servers: MyServers | null = null;
  const replicators = new SuiteReplicators(log);
  const fullRuns: MyFullLoadRun[] = [];
  const catchupRuns: CatchupRun[] = [];
  const modelRuns: ModelRun[] = [];
  let full: MyFullLoadInfo | null = null;
  let catchup: MyCatchupInfo | null = null;
  let model: MyModelInfo | null = null;
  let fatal: string | null = null;
  const suiteErrors = replicators.errors;
  let version = '';
  // Ctrl-C too: stop the replicator and every server this run started
  const cleanup = teardown(replicators, () => servers, log);
  try {
    log('starting the metadata database (embedded PostgreSQL 18) and two MariaDB servers');
    await startMeta();
    servers = await startMyServers();
    version = await myServerVersion(servers.source);
    log(`source on port ${servers.source.port}, target on port ${servers.target.port}: MariaDB ${version}`);
    const s = servers;
    const base = { source: s.source, target: s.target, replicator: replicators.get, log };
    if (o.only.includes('fullload')) full = await replicators.suite('fullload', () => runMyFullLoad(o, { ...base, record: (r) => fullRuns.push(r) }));
    if (o.only.includes('catchup')) catchup = await replicators.suite('catchup', () => runMyCatchup(o, { ...base, record: (r) => catchupRuns.push(r) }));
    if (o.only.includes('model')) model = await replicators.suite('model', () => runMyModel(o, { ...base, record: (r) => modelRuns.push(r) }));
  } catch (e) {
    fatal = (e as Error).stack ?? String(e);
    log(`benchmark stopped: ${(e as Error).message}`);
  } finally {
    await cleanup();
  }

  const m = host.machine();
  console.log(`\n${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, MariaDB ${version}, node ${m.node}; medians of ${o.runs} run(s); load average ${loadAtStart[0]} at start, ${m.loadAverage[0]} at end`);
  const fullSummary = summarizeMyFullLoad(fullRuns);
  if (full?.error) console.log(`\nFull load: ${full.label}: NOT MEASURED, loading failed: ${full.error}`);
  else if (full) {
    console.log(`\nFull load: ${full.label}; ${full.rows.toLocaleString('en-US')} rows, ${(full.bytes / 1024 / 1024).toFixed(0)} MB of table data (without indexes)`);
    console.log(formatTable(MY_FULL_LOAD_HEADER, myFullLoadRows(fullSummary, MY_PEER_LABELS)));
  }
  const catchupSummary = summarizeCatchup(catchupRuns);
  if (catchupSummary.length) {
    const tx = catchupRuns.map((r) => r.transactions).filter((x): x is number => x !== null);
    console.log(`\nCatch-up after a pause: sysbench oltp_write_only --threads=${o.catchupClients} --time=${o.catchupSeconds} on ${catchup?.tables ?? '?'} x ${catchup?.rowsPerTable ?? '?'} rows (${tx.join(', ') || '?'} transactions); timed to the binlog position after sysbench`);
    const i = CATCHUP_HEADER.indexOf('to LSN s');
    console.log(formatTable(CATCHUP_HEADER.filter((_, j) => j !== i), dropColumn(catchupRows(catchupSummary, MY_FOLLOWER_LABELS), i)));
  }
  const modelSummary = summarizeModel(modelRuns);
  if (modelSummary.steps.length) {
    const cls = DTS_CLASSES.map((c) => `${c.name} ${c.rps}`).join(', ');
    console.log(`\nDTS test model: 20 tables of ~1 KB rows, 2 DML per transaction, INSERT:UPDATE:DELETE 3:1:2; ${o.modelSeconds} s per step, sysbench --threads=${o.modelClients}; a step holds when p99 < ${P99_LIMIT_MS} ms and the source reaches the rate`);
    console.log(formatTable(MODEL_HEADER.map((h) => (h === 'pgbench -R' ? 'sysbench --rate' : h)), modelRows(modelSummary)));
    console.log(`sustained: ${fmt(modelSummary.sustainedRps, 0)} RPS (median over runs): DTS class ${modelSummary.dtsClass ?? 'below micro'} (classes in RPS: ${cls}); target checked: ${model?.verified ?? '—'}`);
  }
  for (const [name, err] of Object.entries(suiteErrors)) console.log(`\n${name}: NOT MEASURED: ${err}`);
  console.log('\nclient CPU/peak: peers\' client programs (GNU time); for DTS, the replicator process (/proc). server CPU: source + target mariadbd.');

  if (o.writeResults) {
    const dir = path.resolve(import.meta.dirname, '..', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-mysql.json`);
    const tools = { sysbench: toolVersion('sysbench'), mydumper: toolVersion('mydumper'), mariadbDump: toolVersion('mariadb-dump') };
    const result = {
      engine: 'mysql',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...m, loadAverageAtStart: loadAtStart, loadAverageAtEnd: m.loadAverage, mariadb: version, ...tools },
      code,
      parameters: { ...o, nativeParallelThreads: nativeParallelThreads() },
      ...(fatal ? { fatal } : {}),
      fullLoad: full ? { ...full, runs: fullRuns, medians: fullSummary } : null,
      catchup: catchup || catchupRuns.length ? { ...catchup, runs: catchupRuns, medians: catchupSummary } : null,
      model: model || modelRuns.length ? { ...model, runs: modelRuns, medians: modelSummary } : null,
      ...(Object.keys(suiteErrors).length ? { suiteErrors } : {}),
    };
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  }
  return fatal || Object.keys(suiteErrors).length ? 1 : 0;
}
