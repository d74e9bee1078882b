'use client';
// Cursor paging under the task list: page size, Previous / Next, "Page N".
import { Button } from '../ui/button';

export const PAGE_SIZES = [20, 50, 100] as const;

export function Pagination({
  page,
  pageSize,
  onPageSize,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  shown,
}: {
  page: number;
  pageSize: number;
  onPageSize: (n: number) => void;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  shown: number;
}) {
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-end gap-3 px-4 py-3 text-sm text-gray-600">
      <span className="text-xs text-gray-500">{shown} tasks on this page</span>
      <label className="flex items-center gap-1.5 text-xs">
        Items per page
        <select aria-label="Items per page" className="rounded-sm border border-gray-300 bg-white px-1.5 py-0.5 text-sm focus:border-[#ff6a00] focus:outline-none" value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <Button onClick={onPrevious} disabled={!hasPrevious} aria-label="Previous page" data-testid="page-previous">
        Previous
      </Button>
      <span data-testid="page-number" className="tabular-nums">
        Page {page}
      </span>
      <Button onClick={onNext} disabled={!hasNext} aria-label="Next page" data-testid="page-next">
        Next
      </Button>
    </nav>
  );
}
