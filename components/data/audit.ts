'use client';
// The audit log (administrators): who did what and how it ended, newest first, paged by cursor
// ("Load more"), refreshed at the task list's rhythm while Auto Refresh is on. The server
// refuses everyone else, and the page shows that refusal.
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { polling, REFRESH_MS } from './polling';
import type { RouterInputs, RouterOutputs } from './tasks';
import { useTRPC } from './trpc-provider';

export type AuditEntry = RouterOutputs['audit']['list']['items'][number];
type ListInput = Exclude<RouterInputs['audit']['list'], void | undefined>;
/** the filters of audit.list (cursor and limit are the page's) */
export type AuditQuery = Pick<ListInput, 'username' | 'taskId' | 'action'>;

export const AUDIT_PAGE = 50;

export function useAuditLog(filter: AuditQuery, autoRefresh: boolean) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...filter, limit: AUDIT_PAGE },
      { getNextPageParam: (page) => page.nextCursor, placeholderData: keepPreviousData, ...polling(autoRefresh, REFRESH_MS.list) },
    ),
  );
}
