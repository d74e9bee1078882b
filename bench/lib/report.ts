// The printed tables. Pure.
import type { BigtxnSummary, CatchupSummary, FullLoadSummary, ModelSummary, SteadySummary } from './results';

/** a number with `digits` decimals, thousands separated; an em dash when missing */
export function fmt(n: number | null | undefined, digits = 1): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** the ratio as "1.23×" */
export function fmtRatio(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? `${n.toFixed(2)}×` : '—';
}

/** a plain-text table: the first column left-aligned, the others right-aligned */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** the same as a Markdown table, for the README */
export function formatMarkdown(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function status(s: { status: string; okRuns: number; runs: number; error?: string }): string | null {
  if (s.status === 'ok') return s.okRuns < s.runs ? `${s.okRuns}/${s.runs} ok` : null;
  return `${s.status.toUpperCase()}: ${s.error ?? ''}`.trim();
}

export const FULL_LOAD_HEADER = ['peer', 'seconds', 'rows/s', 'MB/s', 'time vs raw', 'server CPU s', 'client CPU s', 'client peak MB', 'notes'];

/** the figures of a peer's copy runs, as a FULL_LOAD_HEADER row (any engine) */
export interface CopySummary {
  status: string;
  okRuns: number;
  runs: number;
  error?: string;
  seconds: number | null;
  secondsToRunning: number | null;
  rowsPerSecond: number | null;
  mbPerSecond: number | null;
  serverCpuSeconds: number | null;
  clientCpuSeconds: number | null;
  clientPeakRssMb: number | null;
  replicatorCpuSeconds: number | null;
  replicatorPeakRssMb: number | null;
}

/**
 * One table row: `ours` shows the replicator's CPU and memory instead of a client's, `baseline`
 * is the peer the ratios are to (shown as 1.00×), `note` is added to the notes.
 */
export function copyCells(s: CopySummary, o: { label: string; ours: boolean; baseline: boolean; ratio: number | null; note?: string | null }): string[] {
  const notes = [status(s), o.ours && s.secondsToRunning !== null ? `Running at ${fmt(s.secondsToRunning, 1)} s` : null, o.note].filter(Boolean);
  return [
    o.label,
    fmt(s.seconds, 2),
    fmt(s.rowsPerSecond, 0),
    fmt(s.mbPerSecond, 1),
    o.baseline && s.status === 'ok' ? '1.00×' : fmtRatio(o.ratio),
    fmt(s.serverCpuSeconds, 1),
    o.ours ? fmt(s.replicatorCpuSeconds, 1) : fmt(s.clientCpuSeconds, 1),
    o.ours ? fmt(s.replicatorPeakRssMb, 0) : fmt(s.clientPeakRssMb, 0),
    notes.join('; '),
  ];
}

export function fullLoadRows(summaries: readonly FullLoadSummary[], labels: Record<string, string>): string[][] {
  return summaries.map((s) =>
    copyCells(s, {
      label: labels[s.peer] ?? s.peer,
      ours: s.replicatorCpuSeconds !== null || s.replicatorPeakRssMb !== null,
      baseline: s.peer === 'raw',
      ratio: s.ratioToRaw,
    }),
  );
}

/** the "ours vs native" cell: the ratio on our row, 1.00× on the native row */
function vsNative(s: { peer: string; status: string }, ratio: number | null): string {
  return s.peer === 'dts' ? fmtRatio(ratio) : s.status === 'ok' ? '1.00×' : '—';
}

/** the server CPU, client CPU and client peak MB cells of a follower (client: our replicator) */
function followerCost(s: { serverCpuSeconds: number | null; replicatorCpuSeconds: number | null; replicatorPeakRssMb: number | null }): string[] {
  return [fmt(s.serverCpuSeconds, 1), fmt(s.replicatorCpuSeconds, 1), fmt(s.replicatorPeakRssMb, 0)];
}

export const CATCHUP_HEADER = ['follower', 'seconds', 'row changes', 'rows/s', 'ours vs native', 'to LSN s', 'server CPU s', 'client CPU s', 'client peak MB', 'notes'];

export function catchupRows(summaries: readonly CatchupSummary[], labels: Record<string, string>): string[][] {
  return summaries.map((s) => [
    labels[s.peer] ?? s.peer,
    fmt(s.seconds, 2),
    fmt(s.changes, 0),
    fmt(s.rowsPerSecond, 0),
    vsNative(s, s.ratioToNative),
    fmt(s.lsnSeconds, 2),
    ...followerCost(s),
    status(s) ?? '',
  ]);
}

export const STEADY_HEADER = ['follower', '-R tps', 'row changes/s', 'p50 ms', 'p99 ms', 'max ms', 'p99 vs native', 'server CPU s', 'client CPU s', 'client peak MB', 'notes'];

export function steadyRows(summaries: readonly SteadySummary[], labels: Record<string, string>): string[][] {
  return summaries.map((s) => {
    const notes = [
      status(s),
      s.unreached ? `${s.unreached} point(s) never applied` : null,
      s.peer === 'dts' && s.p50VsNative !== null ? `p50 ${fmtRatio(s.p50VsNative)} native` : null,
    ].filter(Boolean);
    return [
      labels[s.peer] ?? s.peer,
      fmt(s.rateTps, 0),
      fmt(s.rowsPerSecond, 0),
      fmt(s.p50Ms, 0),
      fmt(s.p99Ms, 0),
      fmt(s.maxMs, 0),
      vsNative(s, s.p99VsNative),
      ...followerCost(s),
      notes.join('; '),
    ];
  });
}

export const MODEL_HEADER = ['step RPS', 'pgbench -R', 'achieved RPS', 'p50 ms', 'p99 ms', 'max ms', 'client CPU s', 'client peak MB', 'passed', 'notes'];

export function modelRows(m: ModelSummary): string[][] {
  return m.steps.map((s) => [
    fmt(s.targetRps, 0),
    fmt(s.targetRps / 2, 0),
    fmt(s.achievedRps, 0),
    fmt(s.p50Ms, 0),
    fmt(s.p99Ms, 0),
    fmt(s.maxMs, 0),
    fmt(s.replicatorCpuSeconds, 1),
    fmt(s.replicatorPeakRssMb, 0),
    `${s.passed}/${s.runs}`,
    s.reasons.join(', '),
  ]);
}

export const BIGTXN_HEADER = [
  'follower',
  'rows',
  'UPDATE s',
  'COMMIT to applied s',
  'rows/s',
  'ours vs native',
  'WAL MB',
  'server CPU s',
  'client CPU s',
  'client peak MB',
  'MB before',
  'markers p50 ms',
  'markers p99 ms',
  'notes',
];

export function bigtxnRows(summaries: readonly BigtxnSummary[], labels: Record<string, string>): string[][] {
  return summaries.map((s) => [
    labels[s.peer] ?? s.peer,
    fmt(s.rows, 0),
    fmt(s.updateSeconds, 1),
    fmt(s.applySeconds, 1),
    fmt(s.rowsPerSecond, 0),
    vsNative(s, s.applyVsNative),
    fmt(s.walMb, 0),
    ...followerCost(s),
    fmt(s.replicatorBaseRssMb, 0),
    fmt(s.markerP50Ms, 0),
    fmt(s.markerP99Ms, 0),
    status(s) ?? '',
  ]);
}
