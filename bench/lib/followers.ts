// One source database followed on the target by our task (schema + full + incremental) and,
// optionally, a native subscription: the setup the catch-up, steady, model and bigtxn suites
// share. Each follower can be paused and resumed, made the only active one, and asked what it
// has applied (its replication origin's progress on the target).
import { performance } from 'node:perf_hooks';
import type { PgServer } from '../../test/helpers/pg';
import { originFor } from '../../server/pipeline/task-runner';
import { createBenchTask, pauseTask, releaseTask, startTask, taskState, waitTaskRunning } from './dts';
import { parseLsn } from './lag';
import { copySchema, subscriptionConn } from './peers';
import { dropDatabase, dropSubscription, recreateDatabase, type SuiteEnv } from './servers';
import { pollUntil, sleep, withTimeout } from './timeout';
import { describeChecks, SourceDigests, verifyCopy } from './verify';
import { loadPgbench, PGBENCH_TABLES, type TableSpec } from './workloads';

export type FollowerName = 'dts' | 'native';

export const FOLLOWER_LABELS: Record<FollowerName, string> = { dts: 'DTS (ours)', native: 'native subscription' };

export interface FollowSpec {
  /** for the task's name */
  label: string;
  srcDb: string;
  tables: TableSpec[];
  /** creates and fills srcDb on the source */
  load(source: PgServer, signal: AbortSignal): Promise<void>;
  dtsDb: string;
  /** a native subscription too: its database on the target, publication and subscription names */
  native?: { db: string; pub: string; sub: string };
  /** one statement that commits a row change every follower applies (to check they caught up) */
  touchSql: string;
}

export interface RowChanges {
  ins: number;
  upd: number;
  del: number;
}

export const totalChanges = (c: RowChanges): number => c.ins + c.upd + c.del;

/** what the followers need of a suite's environment */
export type FollowersEnv = Omit<SuiteEnv<unknown>, 'record'>;

export class Followers {
  taskId: string | null = null;
  private nativeOriginName: string | null = null;

  constructor(
    readonly env: FollowersEnv,
    readonly spec: FollowSpec,
  ) {}

  get names(): FollowerName[] {
    return this.spec.native ? ['dts', 'native'] : ['dts'];
  }

  private get source(): PgServer {
    return this.env.source;
  }

  private get target(): PgServer {
    return this.env.target;
  }

  private get task(): string {
    if (!this.taskId) throw new Error('the task was not created');
    return this.taskId;
  }

  private get native(): NonNullable<FollowSpec['native']> {
    if (!this.spec.native) throw new Error('no native subscription in this setup');
    return this.spec.native;
  }

  db(peer: FollowerName): string {
    return peer === 'dts' ? this.spec.dtsDb : this.native.db;
  }

  /** the replication origin on the target whose progress is what the follower applied */
  originName(peer: FollowerName): string {
    if (peer === 'dts') return originFor(this.task);
    if (!this.nativeOriginName) throw new Error('the subscription was not created');
    return this.nativeOriginName;
  }

  /** loads the source, creates the followers and waits until both are synchronized (Running; every table ready) */
  async setup(signal: AbortSignal): Promise<void> {
    const { spec, source, target } = this;
    await spec.load(source, signal);
    await recreateDatabase(target, spec.dtsDb);
    if (spec.native) await recreateDatabase(target, spec.native.db);
    await this.env.replicator();
    this.taskId = await createBenchTask(`bench ${spec.label}`, source, spec.srcDb, target, spec.dtsDb, spec.tables);
    await startTask(this.taskId);
    if (spec.native) await this.setupNative(signal);
    await waitTaskRunning(this.taskId, signal);
  }

  private async setupNative(signal: AbortSignal): Promise<void> {
    const { spec, source, target } = this;
    const n = this.native;
    await copySchema({ server: source, db: spec.srcDb }, { server: target, db: n.db }, spec.tables, '--schema-only', signal);
    await source.query(spec.srcDb, `CREATE PUBLICATION ${n.pub} FOR TABLE ${spec.tables.map((t) => `public.${t.name}`).join(', ')}`);
    await target.query(n.db, `CREATE SUBSCRIPTION ${n.sub} CONNECTION '${subscriptionConn(source, spec.srcDb)}' PUBLICATION ${n.pub}`);
    const r = await target.query<{ o: string }>(n.db, `SELECT 'pg_' || oid AS o FROM pg_subscription WHERE subname = $1`, [n.sub]);
    this.nativeOriginName = r[0].o;
    await pollUntil(async () => {
      const x = await target.query<{ n: string }>(n.db, `SELECT count(*)::text AS n FROM pg_subscription_rel WHERE srsubstate <> 'r'`);
      return x[0].n === '0';
    }, signal, 200);
  }

  /** releases the task, drops the subscription, the publication and every database; never throws */
  async teardown(): Promise<void> {
    const { spec, source, target } = this;
    const warn = (e: Error) => this.env.log(`  warning: ${e.message}`);
    if (this.taskId) await releaseTask(this.taskId).catch(warn);
    if (spec.native) {
      await dropSubscription(target, spec.native.db, spec.native.sub).catch(() => undefined);
      await source.query(spec.srcDb, `DROP PUBLICATION IF EXISTS ${spec.native.pub}`).catch(() => undefined);
    }
    const dbs: [PgServer, string][] = [[target, spec.dtsDb], ...(spec.native ? [[target, spec.native.db] as [PgServer, string]] : []), [source, spec.srcDb]];
    for (const [s, d] of dbs) await dropDatabase(s, d).catch((e: Error) => warn(new Error(`dropping ${d}: ${e.message}`)));
  }

  async pause(peer: FollowerName, signal: AbortSignal): Promise<void> {
    if (peer === 'dts') return pauseTask(this.task, signal);
    const { source, target } = this;
    const n = this.native;
    await target.query(n.db, `ALTER SUBSCRIPTION ${n.sub} DISABLE`);
    await pollUntil(async () => {
      const w = await target.query(n.db, `SELECT 1 FROM pg_stat_subscription WHERE subname = $1 AND pid IS NOT NULL`, [n.sub]);
      const s = await source.query(this.spec.srcDb, `SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active`, [n.sub]);
      return w.length === 0 && s.length === 0;
    }, signal, 100);
  }

  async resume(peer: FollowerName): Promise<void> {
    if (peer === 'dts') await startTask(this.task);
    else await this.target.query(this.native.db, `ALTER SUBSCRIPTION ${this.native.sub} ENABLE`);
  }

  /** what the follower has applied: its origin's progress on the target (0 before the first transaction) */
  async applied(peer: FollowerName): Promise<bigint> {
    const r = await this.target.query<{ p: string | null }>('postgres', 'SELECT pg_replication_origin_progress($1, true)::text AS p', [this.originName(peer)]);
    return r[0]?.p ? parseLsn(r[0].p) : 0n;
  }

  /**
   * A check to call while waiting on a follower: for ours, it throws when the replicator
   * process exited or the task failed or retries (every 500 ms at most), so a wait fails at
   * once instead of at its deadline.
   */
  async watch(peer: FollowerName): Promise<() => Promise<void>> {
    if (peer === 'native') return async () => undefined;
    const rep = await this.env.replicator();
    const id = this.task;
    let last = 0;
    return async () => {
      if (!rep.alive) throw new Error(`the replicator exited: ${rep.recentOutput(3)}`);
      if (performance.now() - last < 500) return;
      last = performance.now();
      await taskState(id);
    };
  }

  /** commits the touch row on the source and waits until every active follower given has applied it */
  async catchUp(peers: FollowerName[], signal: AbortSignal): Promise<void> {
    const checks = await Promise.all(peers.map((p) => this.watch(p)));
    await this.source.query(this.spec.srcDb, this.spec.touchSql);
    const lsn = await currentLsn(this.source, this.spec.srcDb);
    await pollUntil(async () => {
      for (const check of checks) await check();
      for (const p of peers) if ((await this.applied(p)) < lsn) return false;
      return true;
    }, signal, 50);
  }

  /** `peer` resumed and caught up, every other follower paused */
  async only(peer: FollowerName, signal: AbortSignal): Promise<void> {
    for (const other of this.names) if (other !== peer) await this.pause(other, signal);
    await this.resume(peer);
    await this.catchUp([peer], signal);
  }

  /** every follower resumed and caught up, then each target checked against the source */
  async verify(digests: SourceDigests, signal: AbortSignal): Promise<Record<string, string>> {
    for (const p of this.names) await this.resume(p);
    await this.catchUp(this.names, signal);
    digests.forget(this.spec.srcDb);
    const out: Record<string, string> = {};
    for (const p of this.names) {
      const checks = await verifyCopy(digests, this.spec.srcDb, this.target, this.db(p), this.spec.tables);
      out[p] = `${checks.some((c) => !c.equal) ? 'WRONG COPY: ' : ''}${describeChecks(checks)}`;
    }
    return out;
  }

  /** inserted, updated and deleted rows of the followed tables so far (pg_stat_user_tables) */
  rowChanges(): Promise<RowChanges> {
    return rowChanges(this.source, this.spec.srcDb, this.spec.tables);
  }

  /**
   * The same once the sessions named `applicationName` have gone: a backend publishes its
   * table statistics as it exits (just after it leaves pg_stat_activity), so the counts are
   * read until two readings 100 ms apart agree.
   */
  async settledRowChanges(applicationName: string, signal: AbortSignal): Promise<RowChanges> {
    const { source, spec } = this;
    await pollUntil(async () => {
      const r = await source.query(spec.srcDb, `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND pid <> pg_backend_pid()`, [spec.srcDb, applicationName]);
      return r.length === 0;
    }, signal, 50);
    let last = await this.rowChanges();
    for (;;) {
      await sleep(100, signal);
      const now = await this.rowChanges();
      if (totalChanges(now) === totalChanges(last)) return now;
      last = now;
    }
  }
}

export async function currentLsn(s: PgServer, db: string): Promise<bigint> {
  return parseLsn((await s.query<{ l: string }>(db, 'SELECT pg_current_wal_lsn()::text AS l'))[0].l);
}

export async function rowChanges(s: PgServer, db: string, tables: TableSpec[]): Promise<RowChanges> {
  const r = await s.query<{ i: string; u: string; d: string }>(
    db,
    `SELECT coalesce(sum(n_tup_ins), 0)::text AS i, coalesce(sum(n_tup_upd), 0)::text AS u, coalesce(sum(n_tup_del), 0)::text AS d
       FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = ANY($1)`,
    [tables.map((t) => t.name)],
  );
  return { ins: Number(r[0].i), upd: Number(r[0].u), del: Number(r[0].d) };
}

export const changesBetween = (a: RowChanges, b: RowChanges): RowChanges => ({ ins: b.ins - a.ins, upd: b.upd - a.upd, del: b.del - a.del });

/** generous bound on loading the source and synchronizing the followers */
export const SETUP_TIMEOUT_MS = 60 * 60_000;

/** a marker row in pgbench_history (tid = bid = aid = 0): a change every follower applies */
export const PGBENCH_TOUCH = `INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (0, 0, 0, 0, now())`;

/** a pgbench database followed by our task and a native subscription (catch-up and steady) */
export function pgbenchFollowers(env: FollowersEnv, label: string, scale: number, prefix: string): Followers {
  const srcDb = `${prefix}_src`;
  return new Followers(env, {
    label,
    srcDb,
    tables: PGBENCH_TABLES,
    load: (source, signal) => loadPgbench(source, srcDb, scale, signal),
    dtsDb: `${prefix}_dts`,
    native: { db: `${prefix}_native`, pub: `${prefix}_pub`, sub: `${prefix}_sub` },
    touchSql: PGBENCH_TOUCH,
  });
}

/** builds the followers, runs `body` once they are synchronized, and always tears them down */
export async function withFollowers<T>(f: Followers, what: string, body: (setupSeconds: number) => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    await withTimeout(`${what} setup`, SETUP_TIMEOUT_MS, (signal) => f.setup(signal));
    return await body((Date.now() - t0) / 1000);
  } finally {
    await f.teardown();
  }
}
