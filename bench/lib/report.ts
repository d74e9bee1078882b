// The printed tables. Pure.
import type { CatchupSummary, FullLoadSummary } from './results';

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

export function fullLoadRows(summaries: readonly FullLoadSummary[], labels: Record<string, string>): string[][] {
  return summaries.map((s) => {
    const st = status(s);
    const ours = s.replicatorCpuSeconds !== null || s.replicatorPeakRssMb !== null;
    const notes = [
      st,
      ours && s.secondsToRunning !== null ? `Running at ${fmt(s.secondsToRunning, 1)} s` : null,
    ].filter(Boolean);
    return [
      labels[s.peer] ?? s.peer,
      fmt(s.seconds, 2),
      fmt(s.rowsPerSecond, 0),
      fmt(s.mbPerSecond, 1),
      s.peer === 'raw' && s.status === 'ok' ? '1.00×' : fmtRatio(s.ratioToRaw),
      fmt(s.serverCpuSeconds, 1),
      ours ? fmt(s.replicatorCpuSeconds, 1) : fmt(s.clientCpuSeconds, 1),
      ours ? fmt(s.replicatorPeakRssMb, 0) : fmt(s.clientPeakRssMb, 0),
      notes.join('; '),
    ];
  });
}

export const CATCHUP_HEADER = ['follower', 'seconds', 'row changes', 'rows/s', 'ours vs native', 'to LSN s', 'server CPU s', 'client CPU s', 'client peak MB', 'notes'];

export function catchupRows(summaries: readonly CatchupSummary[], labels: Record<string, string>): string[][] {
  return summaries.map((s) => [
    labels[s.peer] ?? s.peer,
    fmt(s.seconds, 2),
    fmt(s.changes, 0),
    fmt(s.rowsPerSecond, 0),
    s.peer === 'dts' ? fmtRatio(s.ratioToNative) : s.status === 'ok' ? '1.00×' : '—',
    fmt(s.lsnSeconds, 2),
    fmt(s.serverCpuSeconds, 1),
    fmt(s.replicatorCpuSeconds, 1),
    fmt(s.replicatorPeakRssMb, 0),
    status(s) ?? '',
  ]);
}
