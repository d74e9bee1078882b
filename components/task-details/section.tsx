'use client';
// The sections of the task details page (anchored for its section navigation), and label/value grids.
import type { ReactNode } from 'react';
import { Panel } from '../ui/panel';

export function Section({ id, title, extra, children, testId }: { id: string; title: string; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Panel id={id} anchor title={title} extra={extra} testId={testId}>
      {children}
    </Panel>
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
