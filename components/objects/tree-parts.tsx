'use client';
// Small pieces of the object trees: a three-state checkbox and the markers after a name.
import { useEffect, useRef } from 'react';
import type { Tri } from './checks';

export function TriCheckbox({ state, label, disabled, onChange }: { state: Tri; label: string; disabled?: boolean; onChange: (on: boolean) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      tabIndex={-1}
      aria-label={label}
      aria-checked={state === 'some' ? 'mixed' : state === 'all'}
      className="h-3.5 w-3.5 shrink-0 accent-[#ff6a00]"
      checked={state === 'all'}
      disabled={disabled}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}

const TONE = {
  warn: 'border-amber-300 bg-amber-50 text-amber-700',
  info: 'border-blue-200 bg-blue-50 text-[#0070cc]',
  muted: 'border-gray-200 bg-gray-50 text-gray-500',
};

export function Marker({ children, title, tone = 'info', testId }: { children: string; title?: string; tone?: keyof typeof TONE; testId?: string }) {
  return (
    <span title={title} data-testid={testId} className={`shrink-0 rounded-sm border px-1 text-[11px] leading-4 ${TONE[tone]}`}>
      {children}
    </span>
  );
}
