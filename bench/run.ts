// npm run bench: our full load and incremental catch-up against peers, on servers it starts
// itself (see bench/README.md). Prints tables of medians and writes bench/results/<date>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMeta, stopMeta } from '../test/helpers/harness';
import { parseArgs, USAGE, type BenchOptions } from './lib/args';
import { runCatchup, type CatchupInfo } from './lib/catchup';
import { ReplicatorProcess } from './lib/dts';
import { runFullLoad, type WorkloadInfo } from './lib/fullload';
import { PEER_LABELS } from './lib/peers';
import { CATCHUP_HEADER, catchupRows, FULL_LOAD_HEADER, formatTable, fullLoadRows } from './lib/report';
import { summarizeCatchup, summarizeFullLoad, type CatchupRun, type FullLoadRun } from './lib/results';
import { ensurePackages, pgcopydbVersion, serverVersion, startServers, type Servers } from './lib/servers';

const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

const CATCHUP_LABELS = { dts: 'DTS (ours)', native: 'native subscription' };

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
  let replicator: ReplicatorProcess | null = null;
  const fullRuns: FullLoadRun[] = [];
  const catchupRuns: CatchupRun[] = [];
  const workloads: WorkloadInfo[] = [];
  let catchup: CatchupInfo | null = null;
  let fatal: string | null = null;
  const env = { pgVersion: '', pgcopydb: pgcopydbVersion() };
  let cleaned: Promise<void> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await (replicator as ReplicatorProcess | null)?.stop().catch(() => undefined);
      await servers?.stop();
      await stopMeta().catch(() => undefined);
    })());
  // Ctrl-C: stop the replicator and every server this run started
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the servers`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    log('starting the metadata database (embedded PostgreSQL 18) and two PostgreSQL 15 servers');
    await startMeta();
    servers = await startServers();
    env.pgVersion = await serverVersion(servers.source);
    log(`source on port ${servers.source.port}, target on port ${servers.target.port}: ${env.pgVersion}`);
    // one replicator process for the whole benchmark, started again if it dies
    const getReplicator = async () => {
      if (replicator?.alive) return replicator;
      if (replicator) log(`  the replicator exited (${replicator.recentOutput(4)}); starting another`);
      replicator = await ReplicatorProcess.start();
      return replicator;
    };
    const s = servers;
    if (o.only.includes('fullload')) {
      await runFullLoad(o, { source: s.source, target: s.target, replicator: getReplicator, log, record: (r) => fullRuns.push(r) }, workloads);
    }
    if (o.only.includes('catchup')) {
      catchup = await runCatchup(o, { source: s.source, target: s.target, replicator: getReplicator, log, record: (r) => catchupRuns.push(r) });
    }
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
    console.log(formatTable(CATCHUP_HEADER, catchupRows(catchupSummary, CATCHUP_LABELS)));
  }
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
    };
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  }
  return fatal ? 1 : 0;
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
process.exit(await main(opts));
