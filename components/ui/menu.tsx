'use client';
// A dropdown menu (the Actions column's "More"): opens on click, closes on Esc, a click
// outside, or a choice; arrow keys move between items. An item with `disabledReason` stays in
// the menu (focusable, with the reason as its title) but does nothing.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface MenuItem {
  key: string;
  label: string;
  onSelect: () => void;
  danger?: boolean;
  /** the item is disabled, for this reason (for example the read-only role) */
  disabledReason?: string | null;
}

export function Menu({ label, items, align = 'right', ariaLabel }: { label: ReactNode; items: MenuItem[]; align?: 'left' | 'right'; ariaLabel?: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  const onKey = (e: React.KeyboardEvent) => {
    const all = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') setOpen(false);
    else if (e.key === 'ArrowDown') {
      e.preventDefault();
      all[(i + 1) % all.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      all[(i - 1 + all.length) % all.length]?.focus();
    }
  };
  if (items.length === 0) return null;
  return (
    <div ref={ref} className="relative inline-block" onKeyDown={onKey}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} aria-label={ariaLabel} className="text-sm text-[#0070cc] hover:text-[#ff6a00]" onClick={() => setOpen((o) => !o)}>
        {label}
      </button>
      {open && (
        <div role="menu" className={`absolute z-40 mt-1 min-w-44 rounded-sm border border-gray-200 bg-white py-1 shadow-lg ${align === 'right' ? 'right-0' : 'left-0'}`}>
          {items.map((it) => (
            <button
              key={it.key}
              role="menuitem"
              type="button"
              aria-disabled={it.disabledReason ? true : undefined}
              title={it.disabledReason ?? undefined}
              className={`block w-full px-3 py-1.5 text-left text-sm focus:outline-none ${it.disabledReason ? 'cursor-not-allowed text-gray-400 focus:bg-gray-50' : `hover:bg-orange-50 focus:bg-orange-50 ${it.danger ? 'text-red-600' : 'text-gray-800'}`}`}
              onClick={() => {
                if (it.disabledReason) return;
                setOpen(false);
                it.onSelect();
              }}
            >
              {it.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
