'use client';
// The one query-key factory: every query and invalidation of the console goes through these
// keys (tRPC's own keys, named by resource), so a mutation invalidates exactly what it changed.
import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from './trpc-provider';

export function useQueryKeys() {
  const trpc = useTRPC();
  return {
    /** every task query: the list, details, prechecks, conflicts, readiness */
    tasks: () => trpc.tasks.pathKey(),
    taskList: () => trpc.tasks.list.pathKey(),
    task: (id: string) => trpc.tasks.get.queryKey({ id }),
    precheck: (id: string) => trpc.tasks.precheckRun.queryKey({ id }),
    metrics: () => trpc.metrics.pathKey(),
    events: () => trpc.events.pathKey(),
    connections: () => trpc.endpoints.connections.queryKey(),
    /** every token list: your own, and (administrators) every user's */
    tokens: () => trpc.auth.listTokens.pathKey(),
    users: () => trpc.auth.listUsers.queryKey(),
    /** every page of the audit log, whatever the filter */
    audit: () => trpc.audit.list.pathKey(),
  };
}

/** invalidates everything a task action can change: tasks (list, details), metrics and events */
export function useInvalidateTasks() {
  const qc = useQueryClient();
  const keys = useQueryKeys();
  return () =>
    Promise.all([qc.invalidateQueries({ queryKey: keys.tasks() }), qc.invalidateQueries({ queryKey: keys.events() }), qc.invalidateQueries({ queryKey: keys.metrics() })]);
}
