// What one MySQL full-load run measured, the medians over runs, and the printed table. Pure.
import { fmt, fmtRatio } from '../lib/report';
import { median, perSecond, ratio, summaryStatus, type FigureStatus, type RunStatus } from '../lib/stats';
import type { MyPeerName } from './peers';

export interface MyFullLoadRun {
  run: number;
  peer: MyPeerName;
  status: RunStatus;
  error?: string;
  seconds: number | null;
  secondsToRunning: number | null;
  rows: number;
  bytes: number;
  serverCpuSeconds: number | null;
  clientCpuSeconds: number | null;
  clientPeakRssMb: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
  verified: string;
  note?: string;
}

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
    const ok = mine.filter((r) => r.status === 'ok');
    const seconds = median(ok.map((r) => r.seconds));
    const rows = ok[0]?.rows ?? mine[0]?.rows ?? 0;
    const bytes = ok[0]?.bytes ?? mine[0]?.bytes ?? 0;
    return {
      peer,
      ...summaryStatus(mine),
      seconds,
      secondsToRunning: median(ok.map((r) => r.secondsToRunning)),
      rowsPerSecond: perSecond(rows, seconds),
      mbPerSecond: perSecond(bytes / (1024 * 1024), seconds),
      ratioToMydumper: median(ok.map((r) => ratio(r.seconds, base(r.run)))),
      serverCpuSeconds: median(ok.map((r) => r.serverCpuSeconds)),
      clientCpuSeconds: median(ok.map((r) => r.clientCpuSeconds)),
      clientPeakRssMb: median(ok.map((r) => r.clientPeakRssMb)),
      replicatorCpuSeconds: median(ok.map((r) => r.replicatorCpuSeconds)),
      replicatorPeakRssMb: median(ok.map((r) => r.replicatorPeakRssMb)),
      note: ok.find((r) => r.note)?.note ?? null,
    };
  });
}

export const MY_FULL_LOAD_HEADER = ['peer', 'seconds', 'rows/s', 'MB/s', 'time vs mydumper', 'server CPU s', 'client CPU s', 'client peak MB', 'notes'];

export function myFullLoadRows(summaries: readonly MyFullLoadSummary[], labels: Record<string, string>): string[][] {
  return summaries.map((s) => {
    const ours = s.peer === 'dts';
    const notes = [
      s.status === 'ok' ? (s.okRuns < s.runs ? `${s.okRuns}/${s.runs} ok` : null) : `${s.status.toUpperCase()}: ${s.error ?? ''}`,
      ours && s.secondsToRunning !== null ? `Running at ${fmt(s.secondsToRunning, 1)} s` : null,
      s.note,
    ].filter(Boolean);
    return [
      labels[s.peer] ?? s.peer,
      fmt(s.seconds, 2),
      fmt(s.rowsPerSecond, 0),
      fmt(s.mbPerSecond, 1),
      s.peer === 'mydumper' && s.status === 'ok' ? '1.00×' : fmtRatio(s.ratioToMydumper),
      fmt(s.serverCpuSeconds, 1),
      ours ? fmt(s.replicatorCpuSeconds, 1) : fmt(s.clientCpuSeconds, 1),
      ours ? fmt(s.replicatorPeakRssMb, 0) : fmt(s.clientPeakRssMb, 0),
      notes.join('; '),
    ];
  });
}
