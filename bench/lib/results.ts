// What one run measured, and the medians over runs. Pure.
import type { PeerName, WorkloadName } from './args';
import type { FollowerName } from './followers';
import type { IntervalFigures, LatencyFigures } from './measure';
import { dtsClass, type StepVerdict } from './rates';
import { median, perSecond, ratio, summaryStatus, type FigureStatus, type RunStatus } from './stats';

export interface FullLoadRun {
  workload: WorkloadName;
  run: number;
  peer: PeerName;
  status: RunStatus;
  error?: string;
  seconds: number | null;
  /** ours: until the task is Running */
  secondsToRunning: number | null;
  rows: number;
  bytes: number;
  /** source + target servers */
  serverCpuSeconds: number | null;
  clientCpuSeconds: number | null;
  clientPeakRssMb: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
  verified: string;
  note?: string;
}

export interface FullLoadSummary extends FigureStatus {
  workload: WorkloadName;
  peer: PeerName;
  seconds: number | null;
  secondsToRunning: number | null;
  rowsPerSecond: number | null;
  mbPerSecond: number | null;
  /** median over runs of (this peer's seconds / the raw pipe's seconds in the same run) */
  ratioToRaw: number | null;
  serverCpuSeconds: number | null;
  clientCpuSeconds: number | null;
  clientPeakRssMb: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
}

const MB = 1024 * 1024;

/** this run's raw-pipe seconds, for the ratio (null when raw failed in this run) */
function rawSeconds(runs: readonly FullLoadRun[], workload: WorkloadName, run: number): number | null {
  const r = runs.find((x) => x.workload === workload && x.run === run && x.peer === 'raw' && x.status === 'ok');
  return r?.seconds ?? null;
}

/** what one peer's copy runs give, whatever the engine: one peer's runs of one workload */
export type CopyRun = Omit<FullLoadRun, 'workload' | 'peer'>;

/**
 * The medians of one peer's copy runs, and its time as a ratio to `baseline` (the seconds of the
 * reference peer in the same run, or null when it failed in that run).
 */
export function copyFigures(mine: readonly CopyRun[], baseline: (run: number) => number | null) {
  const ok = mine.filter((r) => r.status === 'ok');
  const seconds = median(ok.map((r) => r.seconds));
  const rows = ok[0]?.rows ?? mine[0]?.rows ?? 0;
  const bytes = ok[0]?.bytes ?? mine[0]?.bytes ?? 0;
  return {
    ...summaryStatus(mine),
    seconds,
    secondsToRunning: median(ok.map((r) => r.secondsToRunning)),
    rowsPerSecond: perSecond(rows, seconds),
    mbPerSecond: perSecond(bytes / MB, seconds),
    ratio: median(ok.map((r) => ratio(r.seconds, baseline(r.run)))),
    serverCpuSeconds: median(ok.map((r) => r.serverCpuSeconds)),
    clientCpuSeconds: median(ok.map((r) => r.clientCpuSeconds)),
    clientPeakRssMb: median(ok.map((r) => r.clientPeakRssMb)),
    replicatorCpuSeconds: median(ok.map((r) => r.replicatorCpuSeconds)),
    replicatorPeakRssMb: median(ok.map((r) => r.replicatorPeakRssMb)),
  };
}

export function summarizeFullLoad(runs: readonly FullLoadRun[]): FullLoadSummary[] {
  const keys: [WorkloadName, PeerName][] = [];
  for (const r of runs) if (!keys.some(([w, p]) => w === r.workload && p === r.peer)) keys.push([r.workload, r.peer]);
  return keys.map(([workload, peer]) => {
    const { ratio: ratioToRaw, ...figures } = copyFigures(
      runs.filter((r) => r.workload === workload && r.peer === peer),
      (run) => rawSeconds(runs, workload, run),
    );
    return { workload, peer, ...figures, ratioToRaw };
  });
}

/** the catch-up suite's followers: ours and a native subscription */
export type CatchupPeer = FollowerName;

export interface CatchupResult {
  peer: CatchupPeer;
  status: RunStatus;
  error?: string;
  /** resume until the marker row committed after the burst is visible on the target */
  seconds: number | null;
  /** resume until the LSN taken right after the burst is confirmed (ours: replication origin; native: slot confirmed_flush_lsn) */
  lsnSeconds: number | null;
  serverCpuSeconds: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
  verified: string;
}

export interface CatchupRun {
  run: number;
  status: RunStatus;
  error?: string;
  pgbenchSeconds: number;
  transactions: number | null;
  tps: number | null;
  /** row changes on the source: n_tup_ins + n_tup_upd + n_tup_del deltas */
  changes: number | null;
  /** source pg_current_wal_lsn() right after pgbench */
  lsn: string | null;
  walBytes: number | null;
  order: CatchupPeer[];
  results: CatchupResult[];
}

export interface CatchupSummary extends FigureStatus {
  peer: CatchupPeer;
  seconds: number | null;
  lsnSeconds: number | null;
  changes: number | null;
  rowsPerSecond: number | null;
  serverCpuSeconds: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
  /** median over runs of (ours seconds / native seconds in the same run); on the dts row */
  ratioToNative: number | null;
}

export function summarizeCatchup(runs: readonly CatchupRun[]): CatchupSummary[] {
  const peers: CatchupPeer[] = ['native', 'dts'];
  const found = (r: CatchupRun, p: CatchupPeer) => r.results.find((x) => x.peer === p);
  return peers
    .filter((p) => runs.some((r) => found(r, p)))
    .map((peer) => {
      const mine = runs.map((r) => ({ run: r, res: found(r, peer) })).filter((x): x is { run: CatchupRun; res: CatchupResult } => !!x.res);
      const ok = mine.filter((x) => x.res.status === 'ok');
      const seconds = median(ok.map((x) => x.res.seconds));
      const changes = median(ok.map((x) => x.run.changes));
      return {
        peer,
        ...summaryStatus(mine.map((x) => x.res)),
        seconds,
        lsnSeconds: median(ok.map((x) => x.res.lsnSeconds)),
        changes,
        rowsPerSecond: median(ok.map((x) => perSecond(x.run.changes, x.res.seconds))),
        serverCpuSeconds: median(ok.map((x) => x.res.serverCpuSeconds)),
        replicatorCpuSeconds: median(ok.map((x) => x.res.replicatorCpuSeconds)),
        replicatorPeakRssMb: median(ok.map((x) => x.res.replicatorPeakRssMb)),
        ratioToNative:
          peer === 'dts'
            ? median(
                ok.map((x) => {
                  const n = found(x.run, 'native');
                  return n?.status === 'ok' ? ratio(x.res.seconds, n.seconds) : null;
                }),
              )
            : null,
      };
    });
}

// ------------------------------------------------------------------ steady, model, bigtxn

/** one measured interval of the steady or model suite: pgbench at one rate, one follower */
export interface IntervalResult {
  peer: FollowerName;
  /** pgbench -R, transactions/s */
  rateTps: number;
  status: RunStatus;
  error?: string;
  figures: IntervalFigures | null;
}

export interface SteadyRun {
  run: number;
  status: RunStatus;
  error?: string;
  /** the followers' order at every rate of this run (alternated between runs) */
  order: FollowerName[];
  results: IntervalResult[];
}

export interface SteadySummary extends FigureStatus {
  rateTps: number;
  peer: FollowerName;
  /** source row changes/s during the load (what the follower had to apply) */
  rowsPerSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** latency points never applied, over all runs */
  unreached: number;
  /** median over runs of (ours / native in the same run at the same rate); on our row */
  p50VsNative: number | null;
  p99VsNative: number | null;
  serverCpuSeconds: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
}

export function summarizeSteady(runs: readonly SteadyRun[]): SteadySummary[] {
  const all = runs.flatMap((r) => r.results.map((x) => ({ run: r.run, res: x })));
  const keys: [number, FollowerName][] = [];
  for (const { res } of all) if (!keys.some(([rate, p]) => rate === res.rateTps && p === res.peer)) keys.push([res.rateTps, res.peer]);
  keys.sort((a, b) => a[0] - b[0] || (a[1] === 'native' ? -1 : 1));
  const native = (run: number, rate: number) => all.find((x) => x.run === run && x.res.rateTps === rate && x.res.peer === 'native' && x.res.status === 'ok')?.res.figures;
  return keys.map(([rateTps, peer]) => {
    const mine = all.filter((x) => x.res.rateTps === rateTps && x.res.peer === peer);
    const ok = mine.filter((x) => x.res.status === 'ok' && x.res.figures).map((x) => ({ run: x.run, f: x.res.figures as IntervalFigures }));
    const vsNative = (pick: (l: LatencyFigures) => number | null) =>
      peer === 'dts' ? median(ok.map((x) => ratio(pick(x.f.latency), pick(native(x.run, rateTps)?.latency ?? NO_LATENCY)))) : null;
    return {
      rateTps,
      peer,
      ...summaryStatus(mine.map((x) => x.res)),
      rowsPerSecond: median(ok.map((x) => x.f.rowsPerSecond)),
      p50Ms: median(ok.map((x) => x.f.latency.p50Ms)),
      p99Ms: median(ok.map((x) => x.f.latency.p99Ms)),
      maxMs: median(ok.map((x) => x.f.latency.maxMs)),
      unreached: ok.reduce((n, x) => n + x.f.latency.unreached, 0),
      p50VsNative: vsNative((l) => l.p50Ms),
      p99VsNative: vsNative((l) => l.p99Ms),
      serverCpuSeconds: median(ok.map((x) => x.f.serverCpuSeconds)),
      replicatorCpuSeconds: median(ok.map((x) => x.f.replicatorCpuSeconds)),
      replicatorPeakRssMb: median(ok.map((x) => x.f.replicatorPeakRssMb)),
    };
  });
}

const NO_LATENCY: LatencyFigures = { points: 0, p50Ms: null, p99Ms: null, maxMs: null, unreached: 0 };

export interface ModelStep extends IntervalResult {
  /** the step's rate, row changes/s (pgbench -R is half) */
  targetRps: number;
  verdict: StepVerdict | null;
  /** whether the source's n_tup_* deltas match what pgbench's per-script counts imply */
  counts: string;
}

export interface ModelRun {
  run: number;
  status: RunStatus;
  error?: string;
  steps: ModelStep[];
  /** the highest rate sustained with p99 under 1 s (see rates.ts) */
  sustainedRps: number | null;
  dtsClass: string | null;
}

export interface ModelStepSummary {
  targetRps: number;
  /** runs that reached this step, and of those the runs where it passed */
  runs: number;
  passed: number;
  achievedRps: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
  /** why it did not pass, in the first run where it did not */
  reasons: string[];
}

export interface ModelSummary {
  steps: ModelStepSummary[];
  /** median over runs */
  sustainedRps: number | null;
  dtsClass: string | null;
}

export function summarizeModel(runs: readonly ModelRun[]): ModelSummary {
  const rates = [...new Set(runs.flatMap((r) => r.steps.map((s) => s.targetRps)))].sort((a, b) => a - b);
  const steps = rates.map((targetRps): ModelStepSummary => {
    const mine = runs.flatMap((r) => r.steps.filter((s) => s.targetRps === targetRps));
    const ok = mine.filter((s) => s.status === 'ok' && s.figures).map((s) => s.figures as IntervalFigures);
    const failed = mine.find((s) => !s.verdict?.pass);
    return {
      targetRps,
      runs: mine.length,
      passed: mine.filter((s) => s.verdict?.pass).length,
      achievedRps: median(ok.map((f) => f.rowsPerSecond)),
      p50Ms: median(ok.map((f) => f.latency.p50Ms)),
      p99Ms: median(ok.map((f) => f.latency.p99Ms)),
      maxMs: median(ok.map((f) => f.latency.maxMs)),
      replicatorCpuSeconds: median(ok.map((f) => f.replicatorCpuSeconds)),
      replicatorPeakRssMb: median(ok.map((f) => f.replicatorPeakRssMb)),
      reasons: failed ? (failed.verdict?.reasons ?? [`${failed.status}: ${failed.error ?? ''}`]) : [],
    };
  });
  const sustained = median(runs.filter((r) => r.status === 'ok').map((r) => r.sustainedRps));
  return { steps, sustainedRps: sustained, dtsClass: dtsClass(sustained) };
}

/** one follower's figures for one big transaction */
export interface BigtxnResult {
  peer: FollowerName;
  status: RunStatus;
  error?: string;
  /** rows the UPDATE changed */
  rows: number | null;
  /** the UPDATE statement on the source, before COMMIT */
  updateSeconds: number | null;
  /** WAL the transaction wrote */
  walBytes: number | null;
  /** from the source COMMIT returning until the follower's origin progress passed the LSN after it */
  applySeconds: number | null;
  /** ours: the replicator while the transaction was decoded and applied (its peak over the whole run) */
  replicatorPeakRssMb: number | null;
  /** ours: before the UPDATE */
  replicatorBaseRssMb: number | null;
  replicatorCpuSeconds: number | null;
  serverCpuSeconds: number | null;
  /** small transactions committed every 100 ms for 10 s after the big COMMIT: commit to visible on the target */
  markers: LatencyFigures | null;
}

export interface BigtxnRun {
  run: number;
  status: RunStatus;
  error?: string;
  /** each follower gets its own big transaction, the other paused; the order alternates between runs */
  order: FollowerName[];
  results: BigtxnResult[];
}

export interface BigtxnSummary extends FigureStatus {
  peer: FollowerName;
  rows: number | null;
  updateSeconds: number | null;
  applySeconds: number | null;
  /** rows / applySeconds */
  rowsPerSecond: number | null;
  walMb: number | null;
  /** median over runs of (ours / native apply seconds in the same run); on our row */
  applyVsNative: number | null;
  replicatorPeakRssMb: number | null;
  replicatorBaseRssMb: number | null;
  replicatorCpuSeconds: number | null;
  serverCpuSeconds: number | null;
  markerP50Ms: number | null;
  markerP99Ms: number | null;
  markerMaxMs: number | null;
}

export function summarizeBigtxn(runs: readonly BigtxnRun[]): BigtxnSummary[] {
  const all = runs.flatMap((r) => r.results.map((res) => ({ run: r.run, res })));
  const peers = (['native', 'dts'] as const).filter((p) => all.some((x) => x.res.peer === p));
  const nativeSeconds = (run: number) => all.find((x) => x.run === run && x.res.peer === 'native' && x.res.status === 'ok')?.res.applySeconds ?? null;
  return peers.map((peer) => {
    const mine = all.filter((x) => x.res.peer === peer);
    const ok = mine.filter((x) => x.res.status === 'ok');
    const wal = median(ok.map((x) => x.res.walBytes));
    return {
      peer,
      ...summaryStatus(mine.map((x) => x.res)),
      rows: median(ok.map((x) => x.res.rows)),
      updateSeconds: median(ok.map((x) => x.res.updateSeconds)),
      applySeconds: median(ok.map((x) => x.res.applySeconds)),
      rowsPerSecond: median(ok.map((x) => perSecond(x.res.rows, x.res.applySeconds))),
      walMb: wal === null ? null : wal / MB,
      applyVsNative: peer === 'dts' ? median(ok.map((x) => ratio(x.res.applySeconds, nativeSeconds(x.run)))) : null,
      replicatorPeakRssMb: median(ok.map((x) => x.res.replicatorPeakRssMb)),
      replicatorBaseRssMb: median(ok.map((x) => x.res.replicatorBaseRssMb)),
      replicatorCpuSeconds: median(ok.map((x) => x.res.replicatorCpuSeconds)),
      serverCpuSeconds: median(ok.map((x) => x.res.serverCpuSeconds)),
      markerP50Ms: median(ok.map((x) => x.res.markers?.p50Ms)),
      markerP99Ms: median(ok.map((x) => x.res.markers?.p99Ms)),
      markerMaxMs: median(ok.map((x) => x.res.markers?.maxMs)),
    };
  });
}
