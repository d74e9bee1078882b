'use client';
// The right-click menu of a selected object: Edit and Remove. Opens at the pointer, closes on
// Esc, a click outside, scrolling or a choice; arrow keys move between items.
import { useEffect, useRef } from 'react';

export interface ContextMenuItem {
  label: string;
  onSelect: () => void;
}

export function ContextMenu({ at, label, items, onClose }: { at: { x: number; y: number }; label: string; items: ContextMenuItem[]; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const el = ref.current;
    el?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => !el?.contains(e.target as Node) && onClose();
    const onScroll = (e: Event) => !el?.contains(e.target as Node) && onClose();
    document.addEventListener('mousedown', onDown);
    document.addEventListener('scroll', onScroll, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('scroll', onScroll, true);
      if (document.activeElement === document.body || el?.contains(document.activeElement)) previous?.focus?.();
    };
  }, [onClose]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    const all = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      all[(i + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length]?.focus();
    }
  };
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      data-testid="objects-context-menu"
      className="fixed z-40 min-w-36 rounded-sm border border-gray-200 bg-white py-1 shadow-lg"
      style={{ left: Math.min(at.x, window.innerWidth - 160), top: Math.min(at.y, window.innerHeight - 80) }}
      onKeyDown={onKeyDown}
    >
      {items.map((it) => (
        <button
          key={it.label}
          role="menuitem"
          type="button"
          className="block w-full px-3 py-1.5 text-left text-sm text-gray-800 hover:bg-orange-50 focus:bg-orange-50 focus:outline-none"
          onClick={() => {
            onClose();
            it.onSelect();
          }}
        >
          {it.label}
        </button>
      ))}
    </div>
  );
}
