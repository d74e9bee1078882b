// The full-load suite: each workload is loaded once on the source; in every run, each peer
// copies it into a fresh target database, and the copy is checked against the source.
import type { PgServer } from '../../test/helpers/pg';
import type { BenchOptions, PeerName } from './args';
import { RunClock } from './clock';
import { PEER_RUNNERS, type PeerMeasure } from './peers';
import type { CopyRun, FullLoadRun } from './results';
import { dropDatabase, recreateDatabase, type SuiteEnv } from './servers';
import { TimeoutError, withTimeout } from './timeout';
import { describeChecks, SourceDigests, verifyCopy } from './verify';
import { sourceSize, workloads, type TableSpec, type Workload } from './workloads';

export type FullLoadEnv = SuiteEnv<FullLoadRun>;

export interface WorkloadInfo {
  name: string;
  label: string;
  tables: string[];
  rows: number;
  bytes: number;
  loadSeconds: number;
  /** the workload could not be loaded: no run */
  error?: string;
}

/** generous bound on loading one workload (the per-run limit is for copies) */
const LOAD_TIMEOUT_MS = 60 * 60_000;

/** runs the suite; `infos` gets each workload as it is loaded (kept by the caller if a later one fails) */
/** a copy run before it is measured: every figure unknown */
export function unmeasured(rows: number, bytes: number) {
  return {
    status: 'ok' as const,
    seconds: null,
    secondsToRunning: null,
    rows,
    bytes,
    serverCpuSeconds: null,
    clientCpuSeconds: null,
    clientPeakRssMb: null,
    replicatorCpuSeconds: null,
    replicatorPeakRssMb: null,
    verified: 'not checked',
  };
}

/** the run of a peer that did not finish: timed out or failed, with the time it had run */
export function unfinished<R extends CopyRun>(base: R, clock: RunClock, e: unknown): R {
  return { ...base, status: e instanceof TimeoutError ? 'timeout' : 'failed', error: (e as Error).message, seconds: clock.started ? clock.elapsed() : null };
}

/** a finished run: the clock's figures, what the peer measured, and the check of its copy */
export function measured<R extends CopyRun>(base: R, clock: RunClock, m: PeerMeasure, verified: string, wrong: boolean): R {
  return {
    ...base,
    ...(wrong ? { status: 'failed' as const, error: `wrong copy: ${verified}` } : {}),
    seconds: clock.elapsed(),
    secondsToRunning: m.secondsToRunning ?? null,
    serverCpuSeconds: clock.serverCpuSeconds,
    clientCpuSeconds: m.client?.cpuSeconds ?? null,
    clientPeakRssMb: m.client?.maxRssMb ?? null,
    replicatorCpuSeconds: m.replicatorCpuSeconds ?? null,
    replicatorPeakRssMb: m.replicatorPeakRssMb ?? null,
    verified,
    ...(m.note ? { note: m.note } : {}),
  };
}

export async function runFullLoad(o: BenchOptions, env: FullLoadEnv, infos: WorkloadInfo[]): Promise<void> {
  const { source, log } = env;
  const digests = new SourceDigests(source);
  for (const w of workloads(o).filter((x) => o.workloads.includes(x.name))) {
    log(`loading workload ${w.label} into ${w.database}`);
    const t0 = Date.now();
    try {
      let tables: TableSpec[];
      try {
        await withTimeout(`loading ${w.name}`, LOAD_TIMEOUT_MS, (signal) => w.load(source, signal));
        const size = await sourceSize(source, w.database, w.tables);
        tables = await bySize(source, w);
        const info: WorkloadInfo = { name: w.name, label: w.label, tables: tables.map((t) => t.name), ...size, loadSeconds: (Date.now() - t0) / 1000 };
        infos.push(info);
        log(`  ${size.rows} rows, ${(size.bytes / 1024 / 1024).toFixed(0)} MB of tables, loaded in ${info.loadSeconds.toFixed(0)} s; source checksums...`);
        for (const t of tables) await withTimeout(`source checksum of ${t.name}`, LOAD_TIMEOUT_MS, () => digests.get(w.database, t));
      } catch (e) {
        // no copy of this workload can be measured; the others still are
        log(`  FAILED to load ${w.name}: ${(e as Error).message}`);
        infos.push({ name: w.name, label: w.label, tables: w.tables.map((t) => t.name), rows: 0, bytes: 0, loadSeconds: (Date.now() - t0) / 1000, error: (e as Error).message });
        continue;
      }
      const size = infos[infos.length - 1];
      for (let run = 1; run <= o.runs; run++) {
        for (const peer of o.peers) {
          const r = await oneRun(o, env, digests, w, tables, size, run, peer);
          env.record(r);
          log(
            `  run ${run} ${peer.padEnd(12)} ${r.status === 'ok' ? `${r.seconds?.toFixed(2)} s` : `${r.status.toUpperCase()}: ${r.error}`}` +
              (r.status === 'ok' ? `  (${r.verified})` : ''),
          );
        }
      }
    } finally {
      await dropDatabase(source, w.database).catch((e: Error) => log(`  warning: dropping ${w.database}: ${e.message}`));
    }
  }
}

/** the workload's tables, largest first (the order the parallel peers take them in) */
async function bySize(source: PgServer, w: Workload): Promise<TableSpec[]> {
  const sizes = new Map<string, number>();
  for (const t of w.tables) {
    const r = await source.query<{ b: string }>(w.database, `SELECT pg_table_size('public.${t.name}')::text AS b`);
    sizes.set(t.name, Number(r[0].b));
  }
  return [...w.tables].sort((a, b) => (sizes.get(b.name) ?? 0) - (sizes.get(a.name) ?? 0));
}

async function oneRun(
  o: BenchOptions,
  env: FullLoadEnv,
  digests: SourceDigests,
  w: Workload,
  tables: TableSpec[],
  size: { rows: number; bytes: number },
  run: number,
  peer: PeerName,
): Promise<FullLoadRun> {
  const { source, target } = env;
  const dstDb = `t_${peer.replace(/-/g, '_')}`;
  const clock = new RunClock([source.local.dataDir, target.local.dataDir]);
  const base: FullLoadRun = {
    workload: w.name,
    run,
    peer,
    ...unmeasured(size.rows, size.bytes),
  };
  try {
    await recreateDatabase(target, dstDb);
    // a clean start for every peer: nothing dirty on either side
    await source.query('postgres', 'CHECKPOINT');
    await target.query('postgres', 'CHECKPOINT');
    let m: PeerMeasure;
    try {
      m = await withTimeout(`${peer} on ${w.name}`, o.timeoutSeconds * 1000, (signal) =>
        PEER_RUNNERS[peer]({ source, target, srcDb: w.database, dstDb, tables, clock, signal, replicator: env.replicator, tag: `${peer.replace(/-/g, '_')}_${run}` }),
      );
    } catch (e) {
      return unfinished(base, clock, e);
    }
    const checks = await withTimeout(`checking ${peer} on ${w.name}`, LOAD_TIMEOUT_MS, () => verifyCopy(digests, w.database, target, dstDb, tables));
    return measured(base, clock, m, describeChecks(checks), checks.some((c) => !c.equal));
  } catch (e) {
    return { ...base, status: 'failed', error: (e as Error).message };
  } finally {
    await dropDatabase(target, dstDb).catch((e: Error) => env.log(`  warning: dropping ${dstDb}: ${e.message}`));
  }
}
