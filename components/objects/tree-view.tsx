'use client';
// A windowed tree: only the rows in view (plus a few) are rendered, each at a fixed height, so
// 5,000 tables scroll like 5. Rows are focusable with one tab stop (roving tabindex): arrows
// move, Right/Left open and close, Space toggles the row's checkbox, Enter runs onEnter.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { TreeRow } from './tree-rows';

export const ROW_HEIGHT = 28;
const OVERSCAN = 8;

export function TreeView({
  rows,
  label,
  height = 420,
  renderRow,
  onToggleOpen,
  onToggleCheck,
  onEnter,
  onContextMenu,
  empty,
  testId,
  rowTestIdPrefix,
}: {
  rows: TreeRow[];
  label: string;
  height?: number;
  /** active: the row holding the tree's tab stop (its own buttons may take Tab too) */
  renderRow: (row: TreeRow, active: boolean) => ReactNode;
  onToggleOpen: (row: TreeRow) => void;
  onToggleCheck: (row: TreeRow) => void;
  onEnter?: (row: TreeRow) => void;
  onContextMenu?: (row: TreeRow, at: { x: number; y: number }) => void;
  empty: ReactNode;
  testId: string;
  /** row test ids: <prefix>-public, <prefix>-public.orders, <prefix>-public.orders.id */
  rowTestIdPrefix: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);
  const current = Math.min(active, Math.max(rows.length - 1, 0));

  useEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    box.current?.querySelector<HTMLElement>(`[data-row-index="${current}"]`)?.focus({ preventScroll: true });
  });

  const moveTo = (i: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, i));
    const el = box.current;
    if (el) {
      const top = next * ROW_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
      setScrollTop(el.scrollTop);
    }
    focusPending.current = true;
    setActive(next);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = rows[current];
    if (!row || (e.target as HTMLElement).dataset.rowIndex === undefined) return;
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(current + 1),
      ArrowUp: () => moveTo(current - 1),
      PageDown: () => moveTo(current + page),
      PageUp: () => moveTo(current - page),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      ArrowRight: () => (row.expandable && !row.open ? onToggleOpen(row) : moveTo(current + 1)),
      ArrowLeft: () => {
        if (row.expandable && row.open) onToggleOpen(row);
        else moveTo(rows.findLastIndex((r, i) => i < current && r.depth < row.depth));
      },
      ' ': () => onToggleCheck(row),
      Enter: () => (onEnter ? onEnter(row) : row.expandable && onToggleOpen(row)),
    };
    const f = keys[e.key];
    if (f) {
      e.preventDefault();
      f();
    }
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);

  return (
    <div
      ref={box}
      role="tree"
      aria-label={label}
      aria-multiselectable="true"
      data-testid={testId}
      className="relative overflow-y-auto"
      style={{ height }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      {rows.length === 0 ? (
        empty
      ) : (
        <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
          {visible.map((row, k) => {
            const i = first + k;
            return (
              <div
                key={row.id}
                role="treeitem"
                aria-level={row.depth + 1}
                aria-expanded={row.expandable ? row.open : undefined}
                aria-label={row.label}
                data-row-index={i}
                data-testid={`${rowTestIdPrefix}-${row.label}`}
                tabIndex={i === current ? 0 : -1}
                onFocus={(e) => e.target === e.currentTarget && setActive(i)}
                onContextMenu={
                  onContextMenu &&
                  ((e) => {
                    e.preventDefault();
                    setActive(i);
                    onContextMenu(row, { x: e.clientX, y: e.clientY });
                  })
                }
                className="absolute right-0 left-0 flex items-center gap-1 pr-2 text-sm outline-none hover:bg-orange-50/60 focus:bg-orange-50 focus-visible:ring-1 focus-visible:ring-[#ff6a00]/60 focus-visible:ring-inset"
                style={{ top: i * ROW_HEIGHT, height: ROW_HEIGHT, paddingLeft: 6 + row.depth * 18 }}
              >
                <button
                  type="button"
                  tabIndex={-1}
                  aria-label={`${row.open ? 'Collapse' : 'Expand'} ${row.label}`}
                  className={`w-4 shrink-0 text-xs text-gray-500 ${row.expandable ? '' : 'invisible'}`}
                  onClick={() => onToggleOpen(row)}
                >
                  {row.open ? '▾' : '▸'}
                </button>
                {renderRow(row, i === current)}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
