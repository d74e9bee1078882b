'use client';
// A white card with a title bar and its actions: the sections of the task details page, and
// the cards of the Settings and Database Connections pages.
import type { ReactNode } from 'react';

export function Panel({
  id,
  title,
  extra,
  description,
  children,
  testId,
  anchor = false,
  padded = true,
}: {
  id: string;
  title: string;
  extra?: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** the section is a link target (the details page's section navigation) */
  anchor?: boolean;
  padded?: boolean;
}) {
  return (
    <section id={anchor ? id : undefined} aria-labelledby={`${id}-title`} data-testid={testId} className="scroll-mt-4 rounded-sm border border-gray-200 bg-white">
      <header className="flex min-h-11 flex-wrap items-center justify-between gap-2 border-b border-gray-200 px-4 py-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold text-gray-900">
          {title}
        </h2>
        {extra && <div className="flex items-center gap-2 text-sm">{extra}</div>}
      </header>
      {description && <div className="border-b border-gray-100 bg-gray-50/60 px-4 py-2 text-xs text-gray-600">{description}</div>}
      <div className={padded ? 'p-4' : undefined}>{children}</div>
    </section>
  );
}
