'use client';
// Data of the task details page beyond tasks.get: the metric series of the Performance charts,
// the event log, the conflicts, and the paired task. All through the real API, refreshed at the
// detail page's rhythm while Auto Refresh is on.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { polling, REFRESH_MS } from './polling';
import type { RouterOutputs } from './tasks';
import { useTRPC } from './trpc-provider';

export type MetricSeries = RouterOutputs['metrics']['series'];
export type MetricSample = MetricSeries['samples'][number];
export type TaskEvent = RouterOutputs['events']['list']['items'][number];
export type ConflictItem = RouterOutputs['tasks']['conflicts']['items'][number];
export type ProgressModule = RouterOutputs['tasks']['get']['modules'][number];
export type TableProgress = RouterOutputs['tasks']['get']['tables'][number];

export const METRIC_RANGES = [
  { key: '15m', label: 'Last 15 Minutes', ms: 15 * 60_000 },
  { key: '1h', label: 'Last 1 Hour', ms: 3600_000 },
  { key: '6h', label: 'Last 6 Hours', ms: 6 * 3600_000 },
] as const;
export type MetricRangeKey = (typeof METRIC_RANGES)[number]['key'];

const MINUTE = 60_000;

/**
 * Samples of the last `rangeMs`. The query asks from the start of the minute before the range
 * (a key that changes once a minute, not at every refresh); the charts cut the range exactly.
 */
export function useMetricSeries(taskId: string, rangeMs: number, autoRefresh: boolean) {
  const trpc = useTRPC();
  const now = useClock(MINUTE / 2);
  const from = new Date(Math.floor((now - rangeMs) / MINUTE) * MINUTE);
  const q = useQuery(
    trpc.metrics.series.queryOptions(
      { taskId, from, limit: 10_000 },
      { ...polling(autoRefresh, REFRESH_MS.detail), placeholderData: keepPreviousData, gcTime: 2 * MINUTE },
    ),
  );
  return { ...q, now };
}

/** the time, updated every `everyMs` */
function useClock(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export const EVENTS_PAGE = 50;
const EVENTS_MAX = 1000;

/** the newest `shown` events, newest first; "Load more" raises `shown` by a page */
export function useTaskEvents(taskId: string, shown: number, autoRefresh: boolean) {
  const trpc = useTRPC();
  const limit = Math.min(EVENTS_MAX, shown);
  const q = useQuery(trpc.events.list.queryOptions({ taskId, limit }, { ...polling(autoRefresh, REFRESH_MS.detail), placeholderData: keepPreviousData }));
  const items = q.data?.items ?? [];
  return { ...q, items, mayHaveMore: items.length >= limit && limit < EVENTS_MAX, atMax: limit >= EVENTS_MAX && items.length >= EVENTS_MAX };
}

export const CONFLICTS_PAGE = 10;

/** the conflicts a task recorded, newest first, paged by id */
export function useTaskConflicts(taskId: string, enabled: boolean, autoRefresh: boolean) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.tasks.conflicts.infiniteQueryOptions(
      { id: taskId, limit: CONFLICTS_PAGE },
      { enabled, getNextPageParam: (page) => page.nextCursor, ...polling(enabled && autoRefresh, REFRESH_MS.detail) },
    ),
  );
}

/** the other task of a pair (two-way directions, or a task and its reverse task) */
export function usePeerTask(peerId: string | null, autoRefresh: boolean) {
  const trpc = useTRPC();
  return useQuery(trpc.tasks.get.queryOptions({ id: peerId ?? '' }, { enabled: peerId !== null, ...polling(peerId !== null && autoRefresh, REFRESH_MS.detail) }));
}
