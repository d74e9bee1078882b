// The MySQL full-load peers. Each copies the workload's tables from the source database into a
// fresh target database, schema and keys included, and starts/stops the run clock around
// exactly that. Everything a peer creates is removed in its finally.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MARIADB_ROOT_PASSWORD, type MariaDbServer } from '../../test/helpers/mysql';
import type { ReplicatorProcess } from '../lib/dts';
import { bash, exec } from '../lib/exec';
import { timeOurFullLoad, type PeerMeasure } from '../lib/peers';
import { addRusage } from '../lib/proc';
import { myClientEnv, myConnArgs, type MyClock } from './servers';
import { createMyBenchTask } from './task';

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


type Peer = (ctx: MyFullLoadContext) => Promise<PeerMeasure>;

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

/** Ours: a task with schema + full + incremental, timed as for PostgreSQL */
const dts: Peer = (ctx) => timeOurFullLoad(ctx, () => createMyBenchTask(`bench ${ctx.tag}`, ctx.source, ctx.srcDb, ctx.target, ctx.dstDb, ctx.tables));

export const MY_PEER_RUNNERS: Record<MyPeerName, Peer> = { mydumper, dump, dts };
