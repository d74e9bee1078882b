// The MySQL full-load suite: sysbench's tables are prepared once on the source; in every run,
// each peer copies them into a fresh target database, and the copy is checked against the source.
import type { BenchOptions } from '../lib/args';
import { measured, unfinished, unmeasured } from '../lib/fullload';
import type { PeerMeasure } from '../lib/peers';
import { withTimeout } from '../lib/timeout';
import { MY_PEER_RUNNERS, MY_PEERS, type MyPeerName } from './peers';
import type { MyFullLoadRun } from './results';
import { dropDb, flushDirty, MyClock, recreateDb, type MySuiteEnv } from './servers';
import { prepareSbtest, sbTables, tablesSize } from './sysbench';
import { describeMyChecks, MySourceDigests, verifyMyCopy, warmDigests } from './verify';

const SRC = 'fl_sbtest';
const LOAD_TIMEOUT_MS = 60 * 60_000;

export interface MyFullLoadInfo {
  label: string;
  tables: string[];
  rows: number;
  bytes: number;
  loadSeconds: number;
  error?: string;
}

/** sysbench tables of the full load: 8 x 250,000 rows (2M), --quick 4 x 10,000 */
export const fullLoadShape = (o: BenchOptions) => (o.quick ? { tables: 4, rows: 10_000 } : { tables: 8, rows: 250_000 });

export async function runMyFullLoad(o: BenchOptions, env: MySuiteEnv<MyFullLoadRun>): Promise<MyFullLoadInfo> {
  const { source, log } = env;
  const shape = fullLoadShape(o);
  const label = `sysbench oltp_read_write prepare, ${shape.tables} tables x ${shape.rows.toLocaleString('en-US')} rows`;
  const tables = sbTables(shape.tables);
  log(`full load: ${label} into ${SRC}`);
  const t0 = Date.now();
  const digests = new MySourceDigests(source);
  let info: MyFullLoadInfo;
  try {
    try {
      await withTimeout('sysbench prepare', LOAD_TIMEOUT_MS, (signal) => prepareSbtest(source, SRC, shape.tables, shape.rows, signal));
      const size = await tablesSize(source, SRC, tables);
      info = { label, tables, ...size, loadSeconds: (Date.now() - t0) / 1000 };
      log(`  ${size.rows} rows, ${(size.bytes / 1024 / 1024).toFixed(0)} MB of tables, loaded in ${info.loadSeconds.toFixed(0)} s; source checksums...`);
      await warmDigests(digests, SRC, tables, ['id']);
    } catch (e) {
      log(`  FAILED to load: ${(e as Error).message}`);
      return { label, tables, rows: 0, bytes: 0, loadSeconds: (Date.now() - t0) / 1000, error: (e as Error).message };
    }
    for (let run = 1; run <= o.runs; run++) {
      for (const peer of MY_PEERS) {
        const r = await oneRun(o, env, digests, info, run, peer);
        env.record(r);
        log(`  run ${run} ${peer.padEnd(9)} ${r.status === 'ok' ? `${r.seconds?.toFixed(2)} s  (${r.verified})` : `${r.status.toUpperCase()}: ${r.error}`}`);
      }
    }
    return info;
  } finally {
    await dropDb(source, SRC).catch((e: Error) => log(`  warning: dropping ${SRC}: ${e.message}`));
  }
}

async function oneRun(o: BenchOptions, env: MySuiteEnv<MyFullLoadRun>, digests: MySourceDigests, info: MyFullLoadInfo, run: number, peer: MyPeerName): Promise<MyFullLoadRun> {
  const { source, target } = env;
  const dstDb = `t_${peer}`;
  const clock = new MyClock([source, target]);
  const base: MyFullLoadRun = {
    run,
    peer,
    ...unmeasured(info.rows, info.bytes),
  };
  try {
    // ours creates its target database itself (schema sync); the tools get an empty one
    if (peer === 'dts') await dropDb(target, dstDb);
    else await recreateDb(target, dstDb);
    // a clean start for every peer: dirty pages written out on both sides
    await Promise.all([flushDirty(source), flushDirty(target)]);
    let m: PeerMeasure;
    try {
      m = await withTimeout(`${peer} full load`, o.timeoutSeconds * 1000, (signal) =>
        MY_PEER_RUNNERS[peer]({ source, target, srcDb: SRC, dstDb, tables: info.tables, clock, signal, replicator: env.replicator, tag: `${peer}_${run}` }),
      );
    } catch (e) {
      return unfinished(base, clock, e);
    }
    const checks = await verifyMyCopy(digests, SRC, target, dstDb, info.tables, ['id']);
    return measured(base, clock, m, describeMyChecks(checks), checks.some((c) => !c.equal));
  } catch (e) {
    return { ...base, status: 'failed', error: (e as Error).message };
  } finally {
    await dropDb(target, dstDb).catch((e: Error) => env.log(`  warning: dropping ${dstDb}: ${e.message}`));
  }
}
