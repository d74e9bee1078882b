'use client';
// A white card with a title bar: the sections of the task details page.
import type { ReactNode } from 'react';

export function Section({ id, title, extra, children, testId }: { id: string; title: string; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} data-testid={testId} className="scroll-mt-4 rounded-sm border border-gray-200 bg-white">
      <header className="flex min-h-11 flex-wrap items-center justify-between gap-2 border-b border-gray-200 px-4 py-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold text-gray-900">
          {title}
        </h2>
        {extra && <div className="flex items-center gap-3 text-sm">{extra}</div>}
      </header>
      <div className="p-4">{children}</div>
    </section>
  );
}

/** label/value pairs in a grid, as DTS shows basic information */
export function InfoGrid({ children }: { children: ReactNode }) {
  return <dl className="grid grid-cols-1 gap-x-8 gap-y-2 text-sm md:grid-cols-2 2xl:grid-cols-3">{children}</dl>;
}

export function Info({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 gap-2">
      <dt className="w-44 shrink-0 text-gray-500">{label}</dt>
      <dd className="min-w-0 break-words text-gray-900">{children}</dd>
    </div>
  );
}
