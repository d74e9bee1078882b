// The MySQL full-load peers. Each copies the workload's tables from the source database into a
// fresh target database, schema and keys included, and starts/stops the run clock around
// exactly that. Everything a peer creates is removed in its finally.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { taskRow } from '../../test/helpers/harness';
import { MARIADB_ROOT_PASSWORD, type MariaDbServer } from '../../test/helpers/mysql';
import { releaseTask, startTask, taskState, type ReplicatorProcess } from '../lib/dts';
import { bash, exec } from '../lib/exec';
import { addRusage, type Rusage } from '../lib/proc';
import { pollUntil } from '../lib/timeout';
import { myClientEnv, myConnArgs, type MyClock } from './servers';
import { createMyBenchTask, waitRunning } from './task';

export const MY_PEERS = ['mydumper', 'dump', 'dts'] as const;
export type MyPeerName = (typeof MY_PEERS)[number];

export const MY_PEER_LABELS: Record<MyPeerName, string> = {
  mydumper: 'mydumper -t 2 -> dir -> myloader -t 2',
  dump: 'mariadb-dump | mariadb',
  dts: 'DTS (ours, fullParallelism 2)',
};

export interface MyFullLoadContext {
  source: MariaDbServer;
  target: MariaDbServer;
  srcDb: string;
  dstDb: string;
  tables: string[];
  clock: MyClock;
  signal: AbortSignal;
  replicator: () => Promise<ReplicatorProcess>;
  tag: string;
}

export interface MyPeerMeasure {
  client?: Rusage | null;
  replicatorCpuSeconds?: number | null;
  replicatorPeakRssMb?: number | null;
  secondsToRunning?: number;
  note?: string;
}

type Peer = (ctx: MyFullLoadContext) => Promise<MyPeerMeasure>;

const tcp = (s: MariaDbServer) => ['-h', '127.0.0.1', '-P', String(s.port), '-u', 'root', '-p', MARIADB_ROOT_PASSWORD];

/**
 * mydumper 0.10 (no --stream: that came in 0.11) into a temporary directory, 2 threads, tables
 * split into chunks of 100,000 rows, consistent by one transaction, the whole source database
 * (it holds only the workload's tables; 0.10's -T list does not match `db.table` names); then myloader, 2 threads,
 * into the target database, with the binlog on (-e) as for every other peer.
 */
const mydumper: Peer = async (ctx) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-mydumper-'));
  try {
    const out = path.join(dir, 'dump');
    ctx.clock.start();
    const d = await exec('mydumper', [...tcp(ctx.source), '-B', ctx.srcDb, '-o', out, '-t', '2', '-r', '100000', '--trx-consistency-only', '-v', '1'], {
      signal: ctx.signal,
      measure: true,
    });
    const l = await exec('myloader', [...tcp(ctx.target), '-d', out, '-s', ctx.srcDb, '-B', ctx.dstDb, '-t', '2', '-e', '-v', '1'], { signal: ctx.signal, measure: true });
    ctx.clock.stop();
    return { client: addRusage(d.rusage, l.rusage), note: 'through a directory' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** mariadb-dump --single-transaction (extended inserts) piped into mariadb, one stream */
const dump: Peer = async (ctx) => {
  ctx.clock.start();
  const r = await bash(`"mariadb-dump" $SRC --single-transaction --max-allowed-packet=256M "$SRCDB" $TABLES | "mariadb" $DST --max-allowed-packet=256M "$DSTDB"`, {
    env: { ...myClientEnv, SRC: myConnArgs(ctx.source).join(' '), DST: myConnArgs(ctx.target).join(' '), SRCDB: ctx.srcDb, DSTDB: ctx.dstDb, TABLES: ctx.tables.join(' ') },
    signal: ctx.signal,
    measure: true,
  });
  ctx.clock.stop();
  return { client: r.rusage };
};

/**
 * Ours: a task with schema + full + incremental. The clock stops when the stage leaves 'full'
 * (schema, data and keys are on the target); the time until it is Running is recorded too.
 */
const dts: Peer = async (ctx) => {
  const rep = await ctx.replicator();
  const id = await createMyBenchTask(`bench ${ctx.tag}`, ctx.source, ctx.srcDb, ctx.target, ctx.dstDb, ctx.tables);
  try {
    const peakReset = rep.resetPeak();
    const cpu0 = rep.cpuSeconds();
    ctx.clock.start();
    const t0 = performance.now();
    await startTask(id);
    // strict while loading: a retry inside the timed part fails the run
    await pollUntil(async () => {
      if (!rep.alive) throw new Error(`the replicator exited: ${rep.recentOutput(4)}`);
      const t = await taskRow(id);
      if (t && (t.stage === 'incremental' || t.stage === 'done')) return true;
      await taskState(id);
      return false;
    }, ctx.signal, 50);
    ctx.clock.stop();
    const cpu1 = rep.cpuSeconds();
    const peak = rep.peakRssMb();
    // after it: Running once the stream is open; a retry on the way is waited through and noted
    const retries: string[] = [];
    await waitRunning(id, ctx.signal, (reason) => retries.push(reason));
    const secondsToRunning = (performance.now() - t0) / 1000;
    const notes = [peakReset ? null : 'peak RSS over the replicator life (clear_refs refused)', ...retries.map((r) => `Retrying before Running: ${r}`)].filter(Boolean);
    return {
      replicatorCpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      replicatorPeakRssMb: peak,
      secondsToRunning,
      ...(notes.length ? { note: notes.join('; ') } : {}),
    };
  } finally {
    await releaseTask(id).catch((e: Error) => console.log(`  warning: ${e.message}`));
  }
};

export const MY_PEER_RUNNERS: Record<MyPeerName, Peer> = { mydumper, dump, dts };
