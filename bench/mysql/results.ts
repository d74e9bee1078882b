// What one MySQL full-load run measured, the medians over runs, and the printed table. Pure.
import { copyCells } from '../lib/report';
import { copyFigures, type CopyRun } from '../lib/results';
import type { FigureStatus } from '../lib/stats';
import type { MyPeerName } from './peers';

/** a full-load run: the PostgreSQL suite's figures, without workloads, between MySQL peers */
export type MyFullLoadRun = CopyRun & { peer: MyPeerName };

export interface MyFullLoadSummary extends FigureStatus {
  peer: MyPeerName;
  seconds: number | null;
  secondsToRunning: number | null;
  rowsPerSecond: number | null;
  mbPerSecond: number | null;
  /** median over runs of (this peer's seconds / mydumper's in the same run) */
  ratioToMydumper: number | null;
  serverCpuSeconds: number | null;
  clientCpuSeconds: number | null;
  clientPeakRssMb: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
  note: string | null;
}

export function summarizeMyFullLoad(runs: readonly MyFullLoadRun[]): MyFullLoadSummary[] {
  const peers: MyPeerName[] = [];
  for (const r of runs) if (!peers.includes(r.peer)) peers.push(r.peer);
  const base = (run: number) => runs.find((x) => x.run === run && x.peer === 'mydumper' && x.status === 'ok')?.seconds ?? null;
  return peers.map((peer) => {
    const mine = runs.filter((r) => r.peer === peer);
    const { ratio: ratioToMydumper, ...figures } = copyFigures(mine, base);
    return { peer, ...figures, ratioToMydumper, note: mine.find((r) => r.status === 'ok' && r.note)?.note ?? null };
  });
}

export const MY_FULL_LOAD_HEADER = ['peer', 'seconds', 'rows/s', 'MB/s', 'time vs mydumper', 'server CPU s', 'client CPU s', 'client peak MB', 'notes'];

export function myFullLoadRows(summaries: readonly MyFullLoadSummary[], labels: Record<string, string>): string[][] {
  return summaries.map((s) => copyCells(s, { label: labels[s.peer] ?? s.peer, ours: s.peer === 'dts', baseline: s.peer === 'mydumper', ratio: s.ratioToMydumper, note: s.note }));
}
