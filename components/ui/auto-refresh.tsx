'use client';
// Auto Refresh (a switch) and Refresh (an icon button), as the task list and the audit log show them.
export function AutoRefreshControls({ autoRefresh, onAutoRefresh, onRefresh, refreshing }: { autoRefresh: boolean; onAutoRefresh: (on: boolean) => void; onRefresh: () => void; refreshing: boolean }) {
  return (
    <div className="ml-auto flex items-center gap-3">
      <label className="flex cursor-pointer items-center gap-2 text-sm text-gray-700">
        <button
          type="button"
          role="switch"
          aria-checked={autoRefresh}
          aria-label="Auto Refresh"
          onClick={() => onAutoRefresh(!autoRefresh)}
          className={`relative h-5 w-9 rounded-full transition-colors focus:outline-none focus-visible:ring-2 focus-visible:ring-[#ff6a00]/50 ${autoRefresh ? 'bg-[#ff6a00]' : 'bg-gray-300'}`}
        >
          <span className={`absolute top-0.5 left-0.5 h-4 w-4 rounded-full bg-white shadow transition-transform ${autoRefresh ? 'translate-x-4' : ''}`} />
        </button>
        <span aria-hidden>Auto Refresh</span>
      </label>
      <button
        type="button"
        aria-label="Refresh"
        title="Refresh"
        onClick={onRefresh}
        className="flex h-7 w-7 items-center justify-center rounded-sm border border-gray-300 bg-white text-gray-600 hover:border-[#ff6a00] hover:text-[#ff6a00] focus:outline-none focus-visible:ring-2 focus-visible:ring-[#ff6a00]/50"
      >
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden className={refreshing ? 'animate-spin' : ''}>
          <path d="M13.6 8A5.6 5.6 0 1 1 11.96 4.04" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          <path d="M12.4 1.6v2.8H9.6" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
    </div>
  );
}
