// The big-transaction suite: one UPDATE of every row of a table (2M rows of ~100 bytes by
// default) in a single source transaction while a follower runs: our task, then (or first, in
// even runs) a native subscription, each alone with its own UPDATE. Measured: from the source
// COMMIT until the target has applied it (the follower's origin progress passes the source's
// WAL position taken right after the COMMIT), our replicator's peak memory meanwhile (the
// stream hands a huge transaction over in parts of 20,000 changes, so it should stay
// bounded), and the latency of small transactions committed right after it: a marker row
// every 100 ms for 10 s, each timed from its commit until it is visible on the target.
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { BenchOptions } from './args';
import { RunClock } from './clock';
import { currentLsn, Followers, withFollowers, type FollowerName } from './followers';
import { pointLatencies, type Sample } from './lag';
import { latencyFigures, OBSERVE_EVERY_MS, Poller } from './measure';
import type { BigtxnResult, BigtxnRun } from './results';
import { client, recreateDatabase, withClient, type SuiteEnv } from './servers';
import { sleep, TimeoutError, withTimeout } from './timeout';
import { SourceDigests } from './verify';

const SRC = 'bt_src';
export const MARKER_EVERY_MS = 100;
export const MARKER_COUNT = 100;

export interface BigtxnInfo {
  rows: number;
  tableMb: number;
  setupSeconds: number;
  verified: Record<string, string>;
}

async function loadBig(o: BenchOptions, env: SuiteEnv<BigtxnRun>): Promise<void> {
  const { source } = env;
  await recreateDatabase(source, SRC);
  await source.query(SRC, 'CREATE TABLE bt (id bigint PRIMARY KEY, v integer NOT NULL, pad text NOT NULL)');
  await source.query(SRC, 'CREATE TABLE bt_marker (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())');
  // ~100-byte rows (tuple header 24 + 8 + 4 + 61), filled by two sessions
  const per = Math.ceil(o.bigtxnRows / 2);
  await Promise.all(
    [0, 1].map((h) =>
      withClient(source, SRC, (c) =>
        c.query(`INSERT INTO bt SELECT i, 0, left(md5(i::text) || md5((i + 1)::text), 60) FROM generate_series($1::bigint, $2::bigint) i`, [h * per + 1, Math.min(o.bigtxnRows, (h + 1) * per)]),
      ),
    ),
  );
  await source.query(SRC, 'VACUUM (FREEZE, ANALYZE) bt');
  await source.query(SRC, 'CHECKPOINT');
}

export async function runBigtxn(o: BenchOptions, env: SuiteEnv<BigtxnRun>): Promise<BigtxnInfo> {
  const { log, source } = env;
  log(`bigtxn: a table of ${o.bigtxnRows} rows (~100 bytes each) in ${SRC}, followed by our task and a native subscription; each gets its own UPDATE of every row in one transaction`);
  const f = new Followers(env, {
    label: 'bigtxn',
    srcDb: SRC,
    tables: [
      { name: 'bt', key: ['id'] },
      { name: 'bt_marker', key: ['id'] },
    ],
    load: () => loadBig(o, env),
    dtsDb: 'bt_dts',
    native: { db: 'bt_native', pub: 'bt_pub', sub: 'bt_sub' },
    touchSql: 'INSERT INTO bt_marker DEFAULT VALUES',
  });
  return withFollowers(f, 'bigtxn', async (setupSeconds) => {
    const size = await source.query<{ b: string }>(SRC, `SELECT pg_table_size('bt')::text AS b`);
    const info: BigtxnInfo = { rows: o.bigtxnRows, tableMb: Number(size[0].b) / 1024 / 1024, setupSeconds, verified: {} };
    log(`  both followers are synchronized (${setupSeconds.toFixed(0)} s), bt is ${info.tableMb.toFixed(0)} MB`);
    for (let run = 1; run <= o.runs; run++) {
      const order: FollowerName[] = run % 2 === 1 ? ['dts', 'native'] : ['native', 'dts'];
      const r: BigtxnRun = { run, status: 'ok', order, results: [] };
      for (const peer of order) {
        const res = await withTimeout(`bigtxn run ${run} ${peer}`, o.timeoutSeconds * 1000, (signal) => oneBigTxn(env, f, peer, signal)).catch(
          (e: Error): BigtxnResult => ({
            peer,
            status: e instanceof TimeoutError ? 'timeout' : 'failed',
            error: e.message,
            rows: null,
            updateSeconds: null,
            walBytes: null,
            applySeconds: null,
            replicatorPeakRssMb: null,
            replicatorBaseRssMb: null,
            replicatorCpuSeconds: null,
            serverCpuSeconds: null,
            markers: null,
          }),
        );
        r.results.push(res);
        log(
          `  run ${run} ${peer.padEnd(6)} ` +
            (res.status === 'ok'
              ? `UPDATE of ${res.rows} rows ${res.updateSeconds?.toFixed(1)} s; applied ${res.applySeconds?.toFixed(1)} s after COMMIT` +
                (peer === 'dts' ? `; replicator peak ${res.replicatorPeakRssMb?.toFixed(0)} MB (${res.replicatorBaseRssMb?.toFixed(0)} MB before)` : '') +
                `; markers p50 ${res.markers?.p50Ms?.toFixed(0)} ms p99 ${res.markers?.p99Ms?.toFixed(0)} ms`
              : `${res.status.toUpperCase()}: ${res.error}`),
        );
      }
      if (r.results.every((x) => x.status !== 'ok')) Object.assign(r, { status: r.results[0]?.status ?? 'failed', error: r.results[0]?.error });
      env.record(r);
    }
    info.verified = await withTimeout('bigtxn: checking the targets', o.timeoutSeconds * 1000, (signal) => f.verify(new SourceDigests(source), signal)).catch((e: Error) => ({
      error: e.message,
    }));
    log(`  checked: ${Object.entries(info.verified).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    return info;
  });
}

/** one big transaction with `peer` the only active follower */
async function oneBigTxn(env: SuiteEnv<BigtxnRun>, f: Followers, peer: FollowerName, signal: AbortSignal): Promise<BigtxnResult> {
  const { source, target } = env;
  const db = f.db(peer);
  // the earlier runs' dead rows gone on both sides, so every run updates the same table; and a
  // checkpoint, so every UPDATE writes the same WAL (full-page images of every page) whoever goes first
  await source.query(SRC, 'VACUUM bt');
  await target.query(db, 'VACUUM bt');
  await source.query(SRC, 'CHECKPOINT');
  await target.query(db, 'CHECKPOINT');
  await f.only(peer, signal);
  const rep = peer === 'dts' ? await env.replicator() : null;
  const check = await f.watch(peer);
  const clock = new RunClock([source.local.dataDir, target.local.dataDir]);
  let writer: pg.Client | null = null;
  let applied: Poller | null = null;
  let visible: Poller | null = null;
  try {
    writer = await client(source, SRC);
    applied = await Poller.start(target, 'postgres', 'SELECT pg_replication_origin_progress($1, true)::text AS p', [f.originName(peer)], OBSERVE_EVERY_MS);
    visible = await Poller.start(target, db, 'SELECT coalesce(max(id), 0)::text AS p FROM bt_marker', [], OBSERVE_EVERY_MS);
    rep?.resetPeak();
    const baseRss = rep?.rssMb() ?? null;
    const cpu0 = rep?.cpuSeconds() ?? null;
    const lsn0 = await currentLsn(source, SRC);
    clock.start();
    await writer.query('BEGIN');
    const u0 = performance.now();
    const upd = await writer.query('UPDATE bt SET v = v + 1');
    const updateSeconds = (performance.now() - u0) / 1000;
    await writer.query('COMMIT');
    const committed = performance.now();
    const lsn = await currentLsn(source, SRC);
    // small transactions right after it, one every 100 ms (or as fast as they go)
    const markers: Sample[] = [];
    for (let i = 0; i < MARKER_COUNT; i++) {
      await sleep(Math.max(0, committed + i * MARKER_EVERY_MS - performance.now()), signal);
      await check();
      const t0 = performance.now();
      const r = await writer.query<{ id: string }>('INSERT INTO bt_marker DEFAULT VALUES RETURNING id::text AS id');
      markers.push({ t: (t0 + performance.now()) / 2, pos: BigInt(r.rows[0].id) });
    }
    await applied.until(lsn, Number.POSITIVE_INFINITY, signal, check);
    await visible.until(markers[markers.length - 1].pos, Number.POSITIVE_INFINITY, signal, check);
    clock.stop();
    const cpu1 = rep?.cpuSeconds() ?? null;
    const peak = rep?.peakRssMb() ?? null;
    const apply = pointLatencies([{ t: committed, pos: lsn }], await applied.stop());
    applied = null;
    const markerFigures = latencyFigures(markers, await visible.stop());
    visible = null;
    return {
      peer,
      status: 'ok',
      rows: upd.rowCount ?? null,
      updateSeconds,
      walBytes: Number(lsn - lsn0),
      applySeconds: apply.latenciesMs.length ? apply.latenciesMs[0] / 1000 : null,
      replicatorPeakRssMb: peak,
      replicatorBaseRssMb: baseRss,
      replicatorCpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      serverCpuSeconds: clock.serverCpuSeconds,
      markers: markerFigures,
    };
  } finally {
    await applied?.stop().catch(() => undefined);
    await visible?.stop().catch(() => undefined);
    await writer?.end().catch(() => undefined);
  }
}
