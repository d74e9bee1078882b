// One measured interval under a steady load: pgbench at a fixed rate (-R) on the source while
// one follower applies, with its latency sampled from positions (bench/lib/lag.ts): the
// source's WAL position every 200 ms, what the follower applied every 10 ms.
import { performance } from 'node:perf_hooks';
import type { PgServer } from '../../test/helpers/pg';
import { RunClock } from './clock';
import type { ReplicatorProcess } from './dts';
import { exec } from './exec';
import { changesBetween, totalChanges, type FollowerName, type Followers, type RowChanges } from './followers';
import { parseLsn, pointLatencies, type Sample } from './lag';
import { parsePgbench, type PgbenchFigures } from './pgbench';
import { bin, client, clientEnv, pgbenchConn } from './servers';
import { percentile } from './stats';
import { sleep } from './timeout';

export const POINT_EVERY_MS = 200;
export const OBSERVE_EVERY_MS = 10;
/** how long the follower may take after pgbench ends to pass the last point; points not passed by then count as unreached */
export const DRAIN_MS = 30_000;

/**
 * A position read every `everyMs`, each answer kept as (time, position). The time is the middle
 * of the round trip. A failing read stops the loop; `stop` rethrows.
 */
export class Poller {
  readonly samples: Sample[] = [];
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private error: Error | null = null;

  private constructor(
    private read: () => Promise<bigint>,
    private close: () => Promise<void>,
    private everyMs: number,
  ) {}

  /** `sql` returns one row with one column `p`: an LSN as text, or a whole number */
  static async start(s: PgServer, db: string, sql: string, params: unknown[], everyMs: number): Promise<Poller> {
    const c = await client(s, db);
    const read = async () => {
      const v = (await c.query<{ p: string | number | null }>(sql, params)).rows[0]?.p;
      return v === null || v === undefined ? 0n : typeof v === 'string' && v.includes('/') ? parseLsn(v) : BigInt(v);
    };
    return Poller.over(read, () => c.end(), everyMs);
  }

  /** polls `read` (any server), and calls `close` once stopped */
  static over(read: () => Promise<bigint>, close: () => Promise<void>, everyMs: number): Poller {
    const p = new Poller(read, close, everyMs);
    p.loop = p.run();
    return p;
  }

  private async run(): Promise<void> {
    try {
      while (this.running) {
        const t0 = performance.now();
        const pos = await this.read();
        const t1 = performance.now();
        this.samples.push({ t: (t0 + t1) / 2, pos });
        await sleep(Math.max(0, this.everyMs - (performance.now() - t0)));
      }
    } catch (e) {
      if (this.running) this.error = e as Error;
    }
  }

  get last(): Sample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** waits until a sample is at or past `pos` or `ms` passed (true when reached); throws when the loop or `check` fails */
  async until(pos: bigint, ms: number, signal: AbortSignal, check?: () => Promise<void>): Promise<boolean> {
    const end = performance.now() + ms;
    for (;;) {
      if ((this.last?.pos ?? -1n) >= pos) return true;
      if (this.error) throw this.error;
      await check?.();
      if (performance.now() >= end) return false;
      await sleep(this.everyMs, signal);
    }
  }

  /** ends the loop and closes the connection; rethrows the loop's failure */
  async stop(): Promise<Sample[]> {
    this.running = false;
    await this.loop;
    await this.close().catch(() => undefined);
    if (this.error) throw this.error;
    return this.samples;
  }
}

export interface LatencyFigures {
  /** latency points taken (one per 200 ms of the window) */
  points: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** points the follower had not passed DRAIN_MS after the load ended */
  unreached: number;
}

export function latencyFigures(points: readonly Sample[], observations: readonly Sample[]): LatencyFigures {
  const { latenciesMs, unreached } = pointLatencies(points, observations);
  return {
    points: points.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: latenciesMs.length ? Math.max(...latenciesMs) : null,
    unreached,
  };
}

export interface IntervalFigures {
  peer: FollowerName;
  /** pgbench -R, transactions/s */
  rateTps: number;
  seconds: number;
  pgbench: PgbenchFigures;
  /** source row changes of the followed tables during the load (n_tup_* deltas) */
  changes: RowChanges;
  /** changes / seconds */
  rowsPerSecond: number;
  latency: LatencyFigures;
  serverCpuSeconds: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
}

export interface IntervalSpec {
  followers: Followers;
  peer: FollowerName;
  replicator: () => Promise<ReplicatorProcess>;
  /** pgbench's arguments before -R, -T and the connection (e.g. -n -N -c 4 -j 2, or -f files) */
  pgbenchArgs: string[];
  rateTps: number;
  seconds: number;
  signal: AbortSignal;
}

/**
 * Runs pgbench at `rateTps` for `seconds` while `peer` follows (the caller has made it the only
 * active follower, caught up). Latency points are taken from 1 s after pgbench starts to 1 s
 * before it ends, so that each point has pgbench commits after it; then the follower gets up
 * to DRAIN_MS to pass the last one.
 */
export async function measureInterval(x: IntervalSpec): Promise<IntervalFigures> {
  const f = x.followers;
  const { source, target } = f.env;
  const srcDb = f.spec.srcDb;
  const rep = x.peer === 'dts' ? await x.replicator() : null;
  const clock = new RunClock([source.local.dataDir, target.local.dataDir]);
  const before = await f.rowChanges();
  const stopLoad = new AbortController();
  const onAbort = () => stopLoad.abort(x.signal.reason);
  x.signal.addEventListener('abort', onAbort, { once: true });
  let observe: Poller | null = null;
  let points: Poller | null = null;
  let load: Promise<{ stdout: string }> | null = null;
  try {
    observe = await Poller.start(target, 'postgres', 'SELECT pg_replication_origin_progress($1, true)::text AS p', [f.originName(x.peer)], OBSERVE_EVERY_MS);
    rep?.resetPeak();
    const cpu0 = rep?.cpuSeconds() ?? null;
    clock.start();
    load = exec(bin('pgbench'), [...x.pgbenchArgs, '-R', String(x.rateTps), '-T', String(x.seconds), ...pgbenchConn(source, srcDb)], { env: clientEnv, signal: stopLoad.signal });
    const ended = load.then(
      () => true,
      () => true,
    );
    const edge = Math.min(1000, (x.seconds * 1000) / 4);
    await Promise.race([sleep(edge, x.signal), ended]);
    points = await Poller.start(source, srcDb, 'SELECT pg_current_wal_lsn()::text AS p', [], POINT_EVERY_MS);
    await Promise.race([sleep(x.seconds * 1000 - 2 * edge, x.signal), ended]);
    const pts = await points.stop();
    points = null;
    const out = await load;
    load = null;
    clock.stop();
    const cpu1 = rep?.cpuSeconds() ?? null;
    const after = await f.settledRowChanges('pgbench', x.signal);
    const last = pts.reduce((m, p) => (p.pos > m ? p.pos : m), 0n);
    await observe.until(last, DRAIN_MS, x.signal, await f.watch(x.peer));
    const obs = await observe.stop();
    observe = null;
    const changes = changesBetween(before, after);
    return {
      peer: x.peer,
      rateTps: x.rateTps,
      seconds: x.seconds,
      pgbench: parsePgbench(out.stdout),
      changes,
      rowsPerSecond: totalChanges(changes) / x.seconds,
      latency: latencyFigures(pts, obs),
      serverCpuSeconds: clock.serverCpuSeconds,
      replicatorCpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      replicatorPeakRssMb: rep?.peakRssMb() ?? null,
    };
  } finally {
    x.signal.removeEventListener('abort', onAbort);
    if (load) {
      stopLoad.abort(new Error('the interval ended early'));
      await load.catch(() => undefined);
    }
    await points?.stop().catch(() => undefined);
    await observe?.stop().catch(() => undefined);
  }
}
