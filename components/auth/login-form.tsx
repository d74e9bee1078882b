'use client';
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { setCsrfToken, useTRPC } from '../data/trpc-provider';

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
    <form onSubmit={submit} className="mx-auto mt-24 flex w-80 flex-col gap-3 rounded border border-gray-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">Sign in to DTS</h1>
      <label className="flex flex-col gap-1 text-sm">
        Username
        <input name="username" className="rounded border border-gray-300 px-2 py-1" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Password
        <input name="password" type="password" className="rounded border border-gray-300 px-2 py-1" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
      </label>
      {login.error && <p role="alert" className="text-sm text-red-600">{login.error.message}</p>}
      <button type="submit" disabled={login.isPending} className="rounded bg-[#ff6a00] px-3 py-1.5 text-white hover:bg-[#e65f00] disabled:opacity-50">
        Sign In
      </button>
    </form>
  );
}
