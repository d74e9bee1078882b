'use client';
// Failover, switch back and switchover (seed 000): the readiness report, the action itself, and
// the task's events while it runs (the server writes one per step as it happens).
import { useMutation, useQuery } from '@tanstack/react-query';
import { polling, REFRESH_MS } from './polling';
import { useInvalidateTasks } from './query-keys';
import type { RouterOutputs } from './tasks';
import { useTRPC } from './trpc-provider';

export type PairAction = 'failover' | 'switchover' | 'switchBack';
export type Readiness = RouterOutputs['tasks']['readiness'];
export type ActionReport = RouterOutputs['tasks']['failover'];
export type ActionStep = ActionReport['steps'][number];
export type StoppedProcedure = NonNullable<Readiness['stopped']>;
export type TaskEventView = RouterOutputs['events']['list']['items'][number];

/** the readiness report; refreshed while the operator reads it (latency changes) */
export function useReadiness(id: string, action: PairAction, live: boolean) {
  const trpc = useTRPC();
  return useQuery(trpc.tasks.readiness.queryOptions({ id, action }, polling(live, REFRESH_MS.detail)));
}

/** the id of the task's newest event, fetched fresh when the dialog opens: the live steps are the events after it */
export function useEventBaseline(taskId: string) {
  const trpc = useTRPC();
  const q = useQuery(trpc.events.list.queryOptions({ taskId, limit: 1 }, { staleTime: 0, gcTime: 0, refetchOnMount: 'always' }));
  const ready = q.isFetchedAfterMount && !q.isFetching;
  return { ready, afterId: ready ? (q.data?.items[0]?.id ?? 0) : null, error: q.error };
}

/** the task's events after `afterId`, oldest first, polled while the action runs */
export function useEventsAfter(taskId: string, afterId: number | null, live: boolean) {
  const trpc = useTRPC();
  return useQuery(
    trpc.events.list.queryOptions({ taskId, afterId: afterId ?? 0, limit: 1000 }, { enabled: afterId !== null, ...polling(live, REFRESH_MS.live) }),
  );
}

/** the three actions; each refreshes the tasks, their events and metrics when it ends */
export function usePairActions() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTasks();
  const onSettled = () => void invalidate();
  return {
    failover: useMutation(trpc.tasks.failover.mutationOptions({ onSettled })),
    switchBack: useMutation(trpc.tasks.switchBack.mutationOptions({ onSettled })),
    switchover: useMutation(trpc.tasks.switchover.mutationOptions({ onSettled })),
    /** a procedure that stopped midway runs the steps it has not done */
    continueProcedure: useMutation(trpc.tasks.continueProcedure.mutationOptions({ onSettled })),
    dismissProcedure: useMutation(trpc.tasks.dismissProcedure.mutationOptions({ onSettled })),
  };
}
