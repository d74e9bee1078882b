'use client';
// The signed-in user and what the console may offer them (auth.me's `permissions`). The server
// checks again on every call and refuses with its own message; the console only disables the
// controls a viewer (the read-only role) could not use, and says why.
import { useQuery } from '@tanstack/react-query';
import type { RouterOutputs } from './tasks';
import { useTRPC } from './trpc-provider';

export type Me = RouterOutputs['auth']['me'];
export type Role = Me['user']['role'];

export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions());
}

/** why a control that changes something is disabled for this user, shown as its title */
export const READ_ONLY_REASON = {
  tasks: 'Read-only role: viewers cannot change tasks',
  connections: 'Read-only role: viewers cannot change or test connections',
} as const;

/**
 * null when the signed-in user may change `what`, else the reason the control is disabled.
 * Until auth.me has answered nothing is disabled: the server decides anyway.
 */
export function useReadOnlyReason(what: keyof typeof READ_ONLY_REASON = 'tasks'): string | null {
  const me = useMe();
  return me.data && !me.data.permissions.write ? READ_ONLY_REASON[what] : null;
}

/** the signed-in user is an administrator (the Audit Log in the navigation, Users in Settings) */
export function useIsAdmin(): boolean {
  return useMe().data?.permissions.admin === true;
}
