// How the console words the WAL or binlog a task keeps on its source (the list's "Retained
// WAL/Binlog" column and Basic Information). Pure: no React, tested beside it.
import { formatBytes, formatTime } from '../ui/format';
import type { TaskSummary } from './tasks';

export type Retained = NonNullable<TaskSummary['retained']>;
/** ok: nothing to say; warn: amber; danger: red */
export type RetainedLevel = 'ok' | 'warn' | 'danger';

const GB = 1024 ** 3;
/** amber from here: the source keeps over 1 GB for the task */
export const WARN_BYTES = GB;
/** red from here */
export const DANGER_BYTES = 10 * GB;

export const RETAINED_LEVEL_CLASS: Record<RetainedLevel, string> = {
  ok: 'text-gray-700',
  warn: 'text-amber-600 font-medium',
  danger: 'text-red-600 font-medium',
};

/** red when the slot is losing or lost its WAL or over 10 GB is kept; amber over 1 GB or past max_wal_size */
export function retainedLevel(r: Retained | null): RetainedLevel {
  if (!r) return 'ok';
  if (r.walStatus === 'lost' || r.walStatus === 'unreserved') return 'danger';
  if (r.bytes !== null && r.bytes >= DANGER_BYTES) return 'danger';
  if ((r.bytes !== null && r.bytes >= WARN_BYTES) || r.walStatus === 'extended') return 'warn';
  return 'ok';
}

/** "1.0 GB", "unknown", or "-" when never measured */
export function retainedText(r: Retained | null): string {
  if (!r) return '-';
  if (r.bytes === null) return 'unknown';
  return formatBytes(r.bytes);
}

const WHAT: Record<Retained['kind'], string> = {
  wal: "WAL kept by the task's replication slot",
  binlog: "Binlog files the source must keep for the task to resume (from its position's file on)",
};

/** "wal_status reserved, safe_wal_size 3.9 GB" (PostgreSQL 13+), or null */
export function walStatusText(r: Retained): string | null {
  const parts = [r.walStatus ? `wal_status ${r.walStatus}` : null, r.safeBytes !== null ? `safe_wal_size ${formatBytes(r.safeBytes)}` : null].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** the list cell's tooltip: what it is, when it was measured, and the note */
export function retainedTitle(r: Retained | null): string {
  if (!r) return 'Not measured yet';
  return [WHAT[r.kind], r.at ? `Measured at ${formatTime(r.at)}` : 'Not measured yet', walStatusText(r), r.note].filter(Boolean).join('\n');
}

/** Basic Information's sentence about what Release does */
export function releaseFreesText(r: Retained): string {
  return r.kind === 'wal'
    ? 'Release drops the replication slot and frees this WAL; Pause and End keep it.'
    : 'Release frees it: the source no longer has to keep these binlog files for the task; Pause and End keep them.';
}
