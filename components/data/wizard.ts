'use client';
// Data hooks of the Configure Task wizard and the precheck view (saved connections come from
// settings.ts): Test Connectivity, the source's object list, WHERE filter checks, saving the task (create,
// configure, reverse direction), and the precheck (run, poll, ignore warnings, start).
import { useCallback } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../server/api/root';
import { polling, REFRESH_MS } from './polling';
import { useInvalidateTasks, useQueryKeys } from './query-keys';
import type { RouterInputs } from './tasks';
import { useTRPC } from './trpc-provider';

type EndpointRef = RouterInputs['endpoints']['testConnectivity'];

/** the message and the field the server named (BAD_REQUEST errors carry `data.field`) */
export interface ServerError {
  message: string;
  field: string | null;
}

export function toServerError(e: unknown): ServerError {
  if (e instanceof TRPCClientError) {
    const data = (e as TRPCClientError<AppRouter>).data as { field?: unknown } | undefined;
    return { message: e.message, field: typeof data?.field === 'string' ? data.field : null };
  }
  return { message: e instanceof Error ? e.message : String(e), field: null };
}

export function useTestConnectivity() {
  const trpc = useTRPC();
  return useMutation(trpc.endpoints.testConnectivity.mutationOptions());
}

/**
 * The source's schemas, tables and columns. endpoints.introspect is a mutation (it logs in with a
 * password); it is cached here per endpoint reference so that going back and forth between the
 * steps does not list the database again.
 */
export function useCatalog(ref: EndpointRef | null) {
  const trpc = useTRPC();
  const introspect = useMutation(trpc.endpoints.introspect.mutationOptions());
  const { mutateAsync } = introspect;
  return useQuery({
    queryKey: [...trpc.endpoints.introspect.mutationKey(), ref],
    queryFn: () => mutateAsync({ ref: ref as EndpointRef }),
    enabled: ref !== null,
    staleTime: 60_000,
  });
}

/** checks a table's WHERE filter on the source: null when it is valid, else the server's message */
export function useValidateFilter(ref: EndpointRef | null) {
  const trpc = useTRPC();
  const { mutateAsync } = useMutation(trpc.endpoints.validateFilter.mutationOptions());
  return useCallback(
    async (table: { schema: string; name: string }, where: string): Promise<string | null> => {
      if (!ref) return 'The source database is not known yet';
      try {
        await mutateAsync({ ref, table, where });
        return null;
      } catch (e) {
        return toServerError(e).message;
      }
    },
    [ref, mutateAsync],
  );
}

/** the task (or the forward task of a reverse direction), read once: the wizard edits a copy */
export function useTaskOnce(id: string | null) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.tasks.get.queryOptions({ id: id ?? '' }), enabled: id !== null, staleTime: Infinity });
}

export function useSaveTask() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTasks();
  const onSettled = () => void invalidate();
  return {
    create: useMutation(trpc.tasks.create.mutationOptions({ onSettled })),
    configure: useMutation(trpc.tasks.configure.mutationOptions({ onSettled })),
    configureReverse: useMutation(trpc.tasks.configureReverse.mutationOptions({ onSettled })),
  };
}

/** the latest precheck run of a task, refreshed every second while it runs */
export function usePrecheckRun(id: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.tasks.precheckRun.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data?.state === 'running' ? REFRESH_MS.live : false),
    refetchIntervalInBackground: polling(true).refetchIntervalInBackground,
  });
}

export function usePrecheckActions(id: string) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQueryKeys();
  const invalidateTasks = useInvalidateTasks();
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: keys.precheck(id) }), invalidateTasks()]);
  return {
    run: useMutation(trpc.tasks.precheck.mutationOptions({ onSettled: () => void refresh() })),
    ignore: useMutation(
      trpc.tasks.ignorePrecheckWarnings.mutationOptions({
        onSuccess: (run) => qc.setQueryData(keys.precheck(id), run),
        onSettled: () => void refresh(),
      }),
    ),
    start: useMutation(trpc.tasks.start.mutationOptions({ onSettled: () => void invalidateTasks() })),
  };
}

/** tasks.precheck from the wizard, once the task is saved */
export function useStartPrecheck() {
  const trpc = useTRPC();
  const invalidate = useInvalidateTasks();
  return useMutation(trpc.tasks.precheck.mutationOptions({ onSettled: () => void invalidate() }));
}
