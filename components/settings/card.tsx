'use client';
// The cards of the Settings and Database Connections pages, and their table cells.
import type { ReactNode } from 'react';
import { Panel } from '../ui/panel';

export function Card({ id, title, extra, children, description }: { id: string; title: string; extra?: ReactNode; children: ReactNode; description?: ReactNode }) {
  return (
    <Panel id={id} testId={id} title={title} extra={extra} description={description} padded={false}>
      {children}
    </Panel>
  );
}

export const TH = 'px-3 py-2 text-left text-xs font-normal whitespace-nowrap text-gray-500';
export const TD = 'px-3 py-2 text-sm';
