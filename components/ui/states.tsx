'use client';
// Loading, error and empty states: every screen shows real ones.
import type { ReactNode } from 'react';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p role="status" className="flex items-center gap-2 p-4 text-sm text-gray-500">
      <span className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-gray-300 border-t-[#ff6a00]" />
      {what}…
    </p>
  );
}

export function ErrorMessage({ error, className = '' }: { error: { message: string } | string | null | undefined; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={`rounded-sm border border-red-200 bg-red-50 px-3 py-2 text-sm whitespace-pre-wrap text-red-700 ${className}`}>
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="p-8 text-center text-sm text-gray-500">{children}</div>;
}
