// What one run measured, and the medians over runs. Pure.
import type { PeerName, WorkloadName } from './args';
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

export function summarizeFullLoad(runs: readonly FullLoadRun[]): FullLoadSummary[] {
  const keys: [WorkloadName, PeerName][] = [];
  for (const r of runs) if (!keys.some(([w, p]) => w === r.workload && p === r.peer)) keys.push([r.workload, r.peer]);
  return keys.map(([workload, peer]) => {
    const mine = runs.filter((r) => r.workload === workload && r.peer === peer);
    const ok = mine.filter((r) => r.status === 'ok');
    const seconds = median(ok.map((r) => r.seconds));
    const rows = ok[0]?.rows ?? mine[0]?.rows ?? 0;
    const bytes = ok[0]?.bytes ?? mine[0]?.bytes ?? 0;
    const mbps = perSecond(bytes / MB, seconds);
    return {
      workload,
      peer,
      ...summaryStatus(mine),
      seconds,
      secondsToRunning: median(ok.map((r) => r.secondsToRunning)),
      rowsPerSecond: perSecond(rows, seconds),
      mbPerSecond: mbps,
      ratioToRaw: median(ok.map((r) => ratio(r.seconds, rawSeconds(runs, workload, r.run)))),
      serverCpuSeconds: median(ok.map((r) => r.serverCpuSeconds)),
      clientCpuSeconds: median(ok.map((r) => r.clientCpuSeconds)),
      clientPeakRssMb: median(ok.map((r) => r.clientPeakRssMb)),
      replicatorCpuSeconds: median(ok.map((r) => r.replicatorCpuSeconds)),
      replicatorPeakRssMb: median(ok.map((r) => r.replicatorPeakRssMb)),
    };
  });
}

export type CatchupPeer = 'dts' | 'native';

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
