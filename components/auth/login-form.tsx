'use client';
// The console's sign-in page: a centered card in the DTS look. The server checks the password
// and says what is wrong; a successful sign-in hands the session's CSRF token to the API client.
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { setCsrfToken, useTRPC } from '../data/trpc-provider';

const INPUT = 'w-full rounded-sm border border-gray-300 bg-white px-3 py-2 text-sm focus:border-[#ff6a00] focus:ring-2 focus:ring-[#ff6a00]/20 focus:outline-none';

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const trpc = useTRPC();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (r) => {
        setCsrfToken(r.csrfToken);
        onSignedIn();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ username, password });
  };
  return (
    <div className="flex min-h-screen flex-col bg-gray-50">
      <header className="flex h-12 shrink-0 items-center bg-[#001529] px-5 text-white">
        <span className="flex items-center gap-2 font-semibold">
          <span aria-hidden className="flex h-6 w-6 items-center justify-center rounded-sm bg-[#ff6a00] text-xs font-bold">
            D
          </span>
          Data Transmission Service
        </span>
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-[12vh]">
        <div className="w-full max-w-sm">
          <form onSubmit={submit} aria-labelledby="sign-in-title" className="rounded-sm border border-gray-200 border-t-[3px] border-t-[#ff6a00] bg-white px-8 py-7 shadow-sm" data-testid="login-form">
            <div className="mb-6 flex flex-col items-center gap-2 text-center">
              <span aria-hidden className="flex h-10 w-10 items-center justify-center rounded-sm bg-[#ff6a00] text-lg font-bold text-white">
                D
              </span>
              <h1 id="sign-in-title" className="text-lg font-semibold text-gray-900">
                Sign in to the console
              </h1>
              <p className="text-xs text-gray-500">Data Transmission Service</p>
            </div>
            <div className="space-y-4">
              <label className="block text-sm text-gray-700">
                <span className="mb-1 block">Username</span>
                <input name="username" className={INPUT} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
              </label>
              <label className="block text-sm text-gray-700">
                <span className="mb-1 block">Password</span>
                <input
                  name="password"
                  type="password"
                  className={INPUT}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  autoComplete="current-password"
                  autoFocus
                  required
                />
              </label>
              {login.error && (
                <p role="alert" className="rounded-sm border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
                  {login.error.message}
                </p>
              )}
              <button
                type="submit"
                disabled={login.isPending}
                className="w-full rounded-sm bg-[#ff6a00] px-3 py-2 text-sm font-medium text-white hover:bg-[#e65f00] focus:outline-none focus-visible:ring-2 focus-visible:ring-[#ff6a00]/50 focus-visible:ring-offset-2 disabled:opacity-50"
              >
                {login.isPending ? 'Signing In…' : 'Sign In'}
              </button>
            </div>
          </form>
          <p className="mt-4 text-center text-xs text-gray-500">
            Use the <code className="font-mono">dts</code> command line tool with an API token from Settings.
          </p>
        </div>
      </main>
    </div>
  );
}
