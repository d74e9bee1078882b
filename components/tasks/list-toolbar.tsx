'use client';
// Above the task list: Auto Refresh, Refresh, the Status filter and the search box.
import { AutoRefreshControls } from '../ui/auto-refresh';
import { TASK_STATUSES } from './statuses';

const CONTROL = 'rounded-sm border border-gray-300 bg-white px-2 py-1 text-sm focus:border-[#ff6a00] focus:outline-none';

export function ListToolbar({
  autoRefresh,
  onAutoRefresh,
  onRefresh,
  refreshing,
  status,
  onStatus,
  search,
  onSearch,
}: {
  autoRefresh: boolean;
  onAutoRefresh: (on: boolean) => void;
  onRefresh: () => void;
  refreshing: boolean;
  status: string;
  onStatus: (s: string) => void;
  search: string;
  onSearch: (s: string) => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-3 border-b border-gray-200 px-4 py-3">
      <input type="search" aria-label="Search by task name or ID" placeholder="Search by task name or ID" className={`${CONTROL} w-64`} value={search} onChange={(e) => onSearch(e.target.value)} />
      <select aria-label="Status" className={CONTROL} value={status} onChange={(e) => onStatus(e.target.value)} data-testid="status-filter">
        <option value="">All statuses</option>
        {TASK_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <AutoRefreshControls autoRefresh={autoRefresh} onAutoRefresh={onAutoRefresh} onRefresh={onRefresh} refreshing={refreshing} />
    </div>
  );
}
