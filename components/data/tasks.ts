'use client';
// Task data hooks: the list, one task, and the task actions (Start, Pause, End, Release, Create
// Reverse Task, ...) as mutations that refresh what they change. Components call these; the
// rules about what is allowed live in the server (server/services), which refuses with a reason.
import { useMutation, useQuery } from '@tanstack/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/api/root';
import { polling, REFRESH_MS } from './polling';
import { useInvalidateTasks } from './query-keys';
import { useTRPC } from './trpc-provider';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type TaskSummary = RouterOutputs['tasks']['list']['items'][number];
export type TaskDetail = RouterOutputs['tasks']['get'];
export type TaskAction = TaskSummary['actions'][number];
export type PrecheckRun = RouterOutputs['tasks']['precheckRun'];
export type TaskListInput = NonNullable<RouterInputs['tasks']['list']>;

export function useTaskList(input: TaskListInput, autoRefresh: boolean) {
  const trpc = useTRPC();
  return useQuery(trpc.tasks.list.queryOptions(input, { ...polling(autoRefresh, REFRESH_MS.list), placeholderData: (prev) => prev }));
}

export function useTask(id: string, autoRefresh = true) {
  const trpc = useTRPC();
  return useQuery(trpc.tasks.get.queryOptions({ id }, polling(autoRefresh, REFRESH_MS.detail)));
}

/** Start, Pause, End and Release: the same shape, the same refresh */
export function useTaskStateActions() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTasks();
  const onSettled = () => void invalidate();
  return {
    start: useMutation(trpc.tasks.start.mutationOptions({ onSettled })),
    pause: useMutation(trpc.tasks.pause.mutationOptions({ onSettled })),
    end: useMutation(trpc.tasks.end.mutationOptions({ onSettled })),
    release: useMutation(trpc.tasks.release.mutationOptions({ onSettled })),
    createReverse: useMutation(trpc.tasks.createReverse.mutationOptions({ onSettled })),
    configure: useMutation(trpc.tasks.configure.mutationOptions({ onSettled })),
  };
}
