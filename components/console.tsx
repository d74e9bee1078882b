'use client';
// The placeholder console: sign in, then the task list. The full console comes later.
import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LoginForm } from './login-form';
import { TaskList } from './tasks/task-list';
import { setCsrfToken, useTRPC } from './trpc-provider';

export function Console() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSuccess: () => queryClient.clear() }));

  useEffect(() => {
    setCsrfToken(me.data?.csrfToken ?? null);
  }, [me.data]);

  if (me.isPending) return <p className="p-8 text-sm text-gray-500">Loading…</p>;
  if (!me.data) return <LoginForm onSignedIn={() => void me.refetch()} />;
  return (
    <div className="min-h-screen">
      <header className="flex items-center justify-between bg-[#001529] px-6 py-3 text-white">
        <span className="font-semibold">Data Transmission Service</span>
        <span className="flex items-center gap-4 text-sm">
          {me.data.user.username}
          <button className="rounded border border-white/40 px-2 py-0.5 hover:bg-white/10" onClick={() => logout.mutate()}>
            Sign Out
          </button>
        </span>
      </header>
      <main className="p-6">
        <h1 className="mb-4 text-lg font-semibold">Data Synchronization</h1>
        <TaskList />
      </main>
    </div>
  );
}
