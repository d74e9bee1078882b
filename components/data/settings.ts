'use client';
// Settings and Database Connections: API tokens (your own; administrators also everyone's),
// passwords, users (admins: create, disable, enable) and saved connections. The server decides
// who may do what (auth.createUser is admin-only, a user sets only their own password unless an
// admin, a viewer changes nothing but its own account); the console shows its refusals as given.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useQueryKeys } from './query-keys';
import type { RouterInputs, RouterOutputs } from './tasks';
import { useTRPC } from './trpc-provider';

export type ApiTokenView = RouterOutputs['auth']['listTokens'][number];
export type NewApiToken = RouterOutputs['auth']['createToken'];
export type UserView = RouterOutputs['auth']['listUsers'][number];
export type ConnectionView = RouterOutputs['endpoints']['connections'][number];
export type ConnectionInput = RouterInputs['endpoints']['registerConnection'];
export type ConnectivityView = RouterOutputs['endpoints']['testConnectivity'];

export function useTokens() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.listTokens.queryOptions());
}

/** every user's tokens: administrators only (the server refuses the others) */
export function useAllTokens(enabled: boolean) {
  const trpc = useTRPC();
  return useQuery(trpc.auth.listTokens.queryOptions({ all: true }, { enabled }));
}

export function useTokenActions() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQueryKeys();
  const onSettled = () => void qc.invalidateQueries({ queryKey: keys.tokens() });
  return {
    create: useMutation(trpc.auth.createToken.mutationOptions({ onSettled })),
    revoke: useMutation(trpc.auth.revokeToken.mutationOptions({ onSettled })),
  };
}

export function useSetPassword() {
  const trpc = useTRPC();
  return useMutation(trpc.auth.setPassword.mutationOptions());
}

/** admins only: the server refuses others, so the page asks only when the user is an admin */
export function useUsers(enabled: boolean) {
  const trpc = useTRPC();
  return useQuery(trpc.auth.listUsers.queryOptions(undefined, { enabled }));
}

export function useCreateUser() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQueryKeys();
  return useMutation(trpc.auth.createUser.mutationOptions({ onSettled: () => void qc.invalidateQueries({ queryKey: keys.users() }) }));
}

/** Disable (its sessions and tokens stop at once) or Enable a user; the server refuses yourself */
export function useSetUserDisabled() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQueryKeys();
  return useMutation(trpc.auth.setUserDisabled.mutationOptions({ onSettled: () => void qc.invalidateQueries({ queryKey: keys.users() }) }));
}

export function useConnections() {
  const trpc = useTRPC();
  return useQuery(trpc.endpoints.connections.queryOptions());
}

export function useConnectionActions() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQueryKeys();
  const onSettled = () => void qc.invalidateQueries({ queryKey: keys.connections() });
  return {
    register: useMutation(trpc.endpoints.registerConnection.mutationOptions({ onSettled })),
    remove: useMutation(trpc.endpoints.removeConnection.mutationOptions({ onSettled })),
  };
}

/** Test Connectivity of a saved connection: the server fills in its saved password */
export function useTestSavedConnection() {
  const trpc = useTRPC();
  const m = useMutation(trpc.endpoints.testConnectivity.mutationOptions());
  return {
    ...m,
    test: (c: ConnectionView) =>
      m.mutate({
        endpoint: { engine: c.engine, host: c.host, port: c.port, database: c.database, user: c.user, password: '', ssl: c.ssl ?? undefined, connectionId: c.id },
        side: 'source',
      }),
  };
}
