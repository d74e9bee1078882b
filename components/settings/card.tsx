'use client';
// A white card with a title bar and its actions, for the Settings and Connections pages.
import type { ReactNode } from 'react';

export function Card({ id, title, extra, children, description }: { id: string; title: string; extra?: ReactNode; children: ReactNode; description?: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} data-testid={id} className="rounded-sm border border-gray-200 bg-white">
      <header className="flex min-h-11 flex-wrap items-center justify-between gap-2 border-b border-gray-200 px-4 py-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold text-gray-900">
          {title}
        </h2>
        {extra && <div className="flex items-center gap-2">{extra}</div>}
      </header>
      {description && <div className="border-b border-gray-100 bg-gray-50/60 px-4 py-2 text-xs text-gray-600">{description}</div>}
      <div>{children}</div>
    </section>
  );
}

export const TH = 'px-3 py-2 text-left text-xs font-normal whitespace-nowrap text-gray-500';
export const TD = 'px-3 py-2 text-sm';
