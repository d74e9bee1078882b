'use client';
// Every page sits in the shell: without a session it shows the sign-in form and nothing else
// (the API refuses every call anyway); with one, the DTS console's frame: the top bar, the left
// navigation, and the page.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LoginForm } from '../auth/login-form';
import { useMe } from '../data/me';
import { setCsrfToken, useTRPC } from '../data/trpc-provider';
import { ROLE_LABEL } from '../ui/roles';
import { ErrorMessage, Loading } from '../ui/states';

/** `admin`: shown to administrators only (the server refuses the others anyway) */
const NAV = [
  { href: '/', label: 'Data Synchronization', match: (p: string) => p === '/' || p.startsWith('/tasks') },
  { href: '/connections', label: 'Database Connections', match: (p: string) => p.startsWith('/connections') },
  { href: '/audit', label: 'Audit Log', match: (p: string) => p.startsWith('/audit'), admin: true },
  { href: '/settings', label: 'Settings', match: (p: string) => p.startsWith('/settings') },
];

export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const me = useMe();
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: () => queryClient.clear() }));

  useEffect(() => {
    setCsrfToken(me.data?.csrfToken ?? null);
  }, [me.data]);

  if (me.isPending) return <Loading />;
  if (me.error && me.error.data?.code !== 'UNAUTHORIZED') return <ErrorMessage error={me.error} className="m-8" />;
  if (!me.data) return <LoginForm onSignedIn={() => void me.refetch()} />;
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex h-12 shrink-0 items-center justify-between bg-[#001529] px-5 text-white">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <span aria-hidden className="flex h-6 w-6 items-center justify-center rounded-sm bg-[#ff6a00] text-xs font-bold">
            D
          </span>
          Data Transmission Service
        </Link>
        <span className="flex items-center gap-4 text-sm">
          <span data-testid="current-user" data-role={me.data.user.role}>
            {me.data.user.username}
            <span className="ml-1 text-white/60" title={me.data.permissions.write ? undefined : 'Read-only: you can see everything and change nothing but your own password and API tokens'}>
              ({ROLE_LABEL[me.data.user.role]}
              {me.data.permissions.write ? '' : ', read-only'})
            </span>
          </span>
          <button type="button" className="rounded-sm border border-white/40 px-2 py-0.5 hover:bg-white/10" onClick={() => logout.mutate()}>
            Sign Out
          </button>
        </span>
      </header>
      <div className="flex flex-1">
        <nav aria-label="Main" className="w-52 shrink-0 border-r border-gray-200 bg-white py-3">
          <p className="px-5 pb-2 text-xs tracking-wide text-gray-400 uppercase">DTS</p>
          {NAV.filter((n) => !n.admin || me.data.permissions.admin).map((n) => (
            <Link
              key={n.href}
              href={n.href}
              aria-current={n.match(pathname) ? 'page' : undefined}
              className={`block border-l-2 px-5 py-2 text-sm ${n.match(pathname) ? 'border-[#ff6a00] bg-orange-50 text-[#ff6a00]' : 'border-transparent text-gray-700 hover:bg-gray-50'}`}
            >
              {n.label}
            </Link>
          ))}
        </nav>
        <main className="min-w-0 flex-1 p-6">{children}</main>
      </div>
    </div>
  );
}
