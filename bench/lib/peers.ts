// The full-load peers. Each copies the workload's tables from the source database into a
// fresh target database, schema and keys included, and starts/stops the run clock around
// exactly that. Everything a peer creates is removed in its finally.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { SUPER_PASSWORD, type PgServer } from '../../test/helpers/pg';
import type { PeerName } from './args';
import type { RunClock } from './clock';
import { createBenchTask, releaseTask, startTask, taskState, type ReplicatorProcess } from './dts';
import { bash, exec, type ExecResult } from './exec';
import { addRusage, type Rusage } from './proc';
import { bin, clientEnv, dropSubscription } from './servers';
import { pollUntil } from './timeout';
import type { TableSpec } from './workloads';

export interface FullLoadContext {
  source: PgServer;
  target: PgServer;
  srcDb: string;
  dstDb: string;
  /** largest first */
  tables: TableSpec[];
  clock: RunClock;
  signal: AbortSignal;
  replicator: () => Promise<ReplicatorProcess>;
  /** unique per run, for object names */
  tag: string;
}

export interface PeerMeasure {
  /** CPU and peak memory of the peer's client programs (GNU time) */
  client?: Rusage | null;
  /** ours: the replicator process */
  replicatorCpuSeconds?: number | null;
  replicatorPeakRssMb?: number | null;
  /** ours: until the task is Running (incremental stream open), beyond the end of full load */
  secondsToRunning?: number;
  note?: string;
}

export type Peer = (ctx: FullLoadContext) => Promise<PeerMeasure>;

/** a libpq URL (the password comes from PGPASSWORD) */
const url = (s: PgServer, db: string) => `postgresql://postgres@127.0.0.1:${s.port}/${db}`;
const tableFlags = (tables: TableSpec[]) => tables.map((t) => `-t public.${t.name}`).join(' ');

/** pg_dump of the tables' schema (the sections given) piped into psql on the target */
export function copySchema(
  from: { server: PgServer; db: string },
  to: { server: PgServer; db: string },
  tables: TableSpec[],
  sectionFlags: string,
  signal: AbortSignal,
): Promise<ExecResult> {
  return bash(`"$PG_DUMP" --no-owner --no-acl ${sectionFlags} $TABLES -d "$SRC" | "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$DST" >/dev/null`, {
    env: { ...clientEnv, PG_DUMP: bin('pg_dump'), PSQL: bin('psql'), TABLES: tableFlags(tables), SRC: url(from.server, from.db), DST: url(to.server, to.db) },
    signal,
    measure: true,
  });
}

const dumpTo = (ctx: FullLoadContext, sectionFlags: string) =>
  copySchema({ server: ctx.source, db: ctx.srcDb }, { server: ctx.target, db: ctx.dstDb }, ctx.tables, sectionFlags, ctx.signal);

/** CREATE SUBSCRIPTION's connection string to a source database */
export const subscriptionConn = (s: PgServer, db: string) => `host=127.0.0.1 port=${s.port} user=postgres password=${SUPER_PASSWORD} dbname=${db}`;

/** runs `fn` over `items` with `n` workers */
async function parallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length && !failed) {
        const item = items[next++];
        try {
          await fn(item);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    }),
  );
}

/** pages per COPY stream of the raw pipe: 128 MB, the chunk size our full load uses */
export const RAW_CHUNK_PAGES = (128 * 1024 * 1024) / 8192;

/**
 * WHERE conditions that split a table of `pages` pages into ctid ranges of `chunkPages`; the
 * last range is open-ended. A table that fits in one chunk is read whole (no condition).
 */
export function ctidRanges(pages: number, chunkPages: number): (string | null)[] {
  if (pages <= chunkPages) return [null];
  const out: string[] = [];
  for (let p = 0; p < pages; p += chunkPages) {
    out.push(p + chunkPages >= pages ? `ctid >= '(${p},0)'::tid` : `ctid >= '(${p},0)'::tid AND ctid < '(${p + chunkPages},0)'::tid`);
  }
  return out;
}

/**
 * The raw ceiling: pre-data schema, then binary COPY piped psql to psql, 2 streams at a time
 * (largest first; a table over 128 MB split into ctid ranges, so one big table gets both
 * streams too), then keys (post-data).
 */
const raw: Peer = async (ctx) => {
  let client: Rusage | null = null;
  const streams: { table: string; range: string | null }[] = [];
  for (const t of ctx.tables) {
    const r = await ctx.source.query<{ pages: string }>(ctx.srcDb, `SELECT (pg_relation_size('public.${t.name}') / 8192)::text AS pages`);
    for (const range of ctidRanges(Number(r[0].pages), RAW_CHUNK_PAGES)) streams.push({ table: t.name, range });
  }
  ctx.clock.start();
  client = addRusage(client, (await dumpTo(ctx, '--schema-only --section=pre-data')).rusage);
  await parallel(streams, 2, async ({ table, range }) => {
    const out = range ? `(SELECT * FROM public.${table} WHERE ${range})` : `public.${table}`;
    const r = await bash(`"$PSQL" -X -q -d "$SRC" -c "$OUT" | "$PSQL" -X -q -d "$DST" -c "$IN" >/dev/null`, {
      env: {
        ...clientEnv,
        PSQL: bin('psql'),
        SRC: url(ctx.source, ctx.srcDb),
        DST: url(ctx.target, ctx.dstDb),
        OUT: `COPY ${out} TO STDOUT (FORMAT binary)`,
        IN: `COPY public.${table} FROM STDIN (FORMAT binary)`,
      },
      signal: ctx.signal,
      measure: true,
    });
    client = addRusage(client, r.rusage);
  });
  client = addRusage(client, (await dumpTo(ctx, '--schema-only --section=post-data')).rusage);
  ctx.clock.stop();
  return { client, note: `${streams.length} COPY stream(s)` };
};

/** pg_dump -Fd -j2 (no compression) to a temporary directory, then pg_restore -j2 */
const dumpRestore: Peer = async (ctx) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-dump-'));
  try {
    const env = { ...clientEnv };
    ctx.clock.start();
    const d = await exec(bin('pg_dump'), ['-Fd', '-j', '2', '-Z', '0', '--no-owner', '--no-acl', ...ctx.tables.flatMap((t) => ['-t', `public.${t.name}`]), '-f', path.join(dir, 'dump'), '-d', url(ctx.source, ctx.srcDb)], {
      env,
      signal: ctx.signal,
      measure: true,
    });
    const r = await exec(bin('pg_restore'), ['-j', '2', '--no-owner', '--no-acl', '--exit-on-error', '-d', url(ctx.target, ctx.dstDb), path.join(dir, 'dump')], {
      env,
      signal: ctx.signal,
      measure: true,
    });
    ctx.clock.stop();
    return { client: addRusage(d.rusage, r.rusage), note: 'pg_dump -Z 0' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** pgcopydb clone of the whole source database (it holds only the workload's tables) */
const pgcopydb: Peer = async (ctx) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pgcopydb-'));
  try {
    ctx.clock.start();
    const r = await exec(
      'pgcopydb',
      ['clone', '--source', url(ctx.source, ctx.srcDb), '--target', url(ctx.target, ctx.dstDb), '--table-jobs', '2', '--index-jobs', '2', '--no-owner', '--no-acl', '--dir', dir],
      { env: clientEnv, signal: ctx.signal, measure: true },
    );
    ctx.clock.stop();
    return { client: r.rusage };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** native logical replication: schema from pg_dump, then CREATE SUBSCRIPTION's initial copy */
const subscription: Peer = async (ctx) => {
  const pub = `bench_pub_${ctx.tag}`;
  const sub = `bench_sub_${ctx.tag}`;
  const list = ctx.tables.map((t) => `public.${pg.escapeIdentifier(t.name)}`).join(', ');
  try {
    ctx.clock.start();
    const schema = await dumpTo(ctx, '--schema-only');
    await ctx.source.query(ctx.srcDb, `CREATE PUBLICATION ${pg.escapeIdentifier(pub)} FOR TABLE ${list}`);
    await ctx.target.query(ctx.dstDb, `CREATE SUBSCRIPTION ${pg.escapeIdentifier(sub)} CONNECTION '${subscriptionConn(ctx.source, ctx.srcDb)}' PUBLICATION ${pg.escapeIdentifier(pub)} WITH (copy_data = true)`);
    await pollUntil(async () => {
      const r = await ctx.target.query<{ ready: string; n: string }>(
        ctx.dstDb,
        `SELECT count(*) FILTER (WHERE srsubstate = 'r')::text AS ready, count(*)::text AS n
           FROM pg_subscription_rel WHERE srsubid = (SELECT oid FROM pg_subscription WHERE subname = $1)`,
        [sub],
      );
      return Number(r[0].n) === ctx.tables.length && r[0].ready === r[0].n;
    }, ctx.signal, 100);
    ctx.clock.stop();
    return { client: schema.rusage, note: 'schema incl. keys before the copy' };
  } finally {
    await dropSubscription(ctx.target, ctx.dstDb, sub).catch(() => undefined);
    await ctx.source.query(ctx.srcDb, `DROP PUBLICATION IF EXISTS ${pg.escapeIdentifier(pub)}`).catch(() => undefined);
  }
};

/**
 * Ours, whatever the engine: starts the created task `id` and times it. The clock stops when the
 * stage leaves 'full' (schema, data and keys are on the target); the time until the task is
 * Running with its stream open is recorded too. A Failed or Retrying task fails the run.
 * Releases the task at the end.
 */
export async function timeOurFullLoad(ctx: { clock: RunClock; signal: AbortSignal; replicator: () => Promise<ReplicatorProcess> }, create: () => Promise<string>): Promise<PeerMeasure> {
  const rep = await ctx.replicator();
  const id = await create();
  try {
    const peakReset = rep.resetPeak();
    const cpu0 = rep.cpuSeconds();
    ctx.clock.start();
    const t0 = performance.now();
    await startTask(id);
    let cpu1: number | null = null;
    let peak: number | null = null;
    let secondsToRunning = 0;
    await pollUntil(async () => {
      if (!rep.alive) throw new Error(`the replicator exited: ${rep.recentOutput(4)}`);
      const t = await taskState(id);
      if (!ctx.clock.stopped && (t.stage === 'incremental' || t.stage === 'done')) {
        ctx.clock.stop();
        cpu1 = rep.cpuSeconds();
        peak = rep.peakRssMb();
      }
      if (ctx.clock.stopped && t.status === 'Running') secondsToRunning = (performance.now() - t0) / 1000;
      return secondsToRunning > 0;
    }, ctx.signal, 50);
    return {
      replicatorCpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      replicatorPeakRssMb: peak,
      secondsToRunning,
      ...(peakReset ? {} : { note: 'peak RSS over the replicator life (clear_refs refused)' }),
    };
  } finally {
    await releaseTask(id).catch((e: Error) => console.log(`  warning: ${e.message}`));
  }
}

/** Ours: a task with schema + full + incremental (what a DTS user runs) */
const dts: Peer = (ctx) => timeOurFullLoad(ctx, () => createBenchTask(`bench ${ctx.tag}`, ctx.source, ctx.srcDb, ctx.target, ctx.dstDb, ctx.tables));

export const PEER_RUNNERS: Record<PeerName, Peer> = {
  raw,
  'dump-restore': dumpRestore,
  pgcopydb,
  subscription,
  dts,
};

export const PEER_LABELS: Record<PeerName, string> = {
  raw: 'raw COPY binary pipe (2 streams) + keys',
  'dump-restore': 'pg_dump -Fd -j2 | pg_restore -j2',
  pgcopydb: 'pgcopydb clone (2 table jobs, 2 index jobs)',
  subscription: 'native CREATE SUBSCRIPTION initial copy',
  dts: 'DTS (ours, fullParallelism 2)',
};
