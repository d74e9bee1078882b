'use client';
// Task statuses as badges, in the DTS console's wording (server/task-status.ts).
const TONE: Record<string, string> = {
  Running: 'border-green-300 bg-green-50 text-green-700',
  'Performing Initial Synchronization': 'border-blue-300 bg-blue-50 text-blue-700',
  Prechecking: 'border-blue-300 bg-blue-50 text-blue-700',
  'Not Started': 'border-gray-300 bg-gray-50 text-gray-600',
  Paused: 'border-gray-300 bg-gray-100 text-gray-700',
  Retrying: 'border-orange-300 bg-orange-50 text-orange-700',
  'Precheck Failed': 'border-red-300 bg-red-50 text-red-700',
  Failed: 'border-red-300 bg-red-50 text-red-700',
  Finished: 'border-gray-300 bg-gray-50 text-gray-500',
};

const DOT: Record<string, string> = {
  Running: 'bg-green-600',
  'Performing Initial Synchronization': 'bg-blue-600 animate-pulse',
  Prechecking: 'bg-blue-600 animate-pulse',
  Retrying: 'bg-orange-500 animate-pulse',
  'Precheck Failed': 'bg-red-600',
  Failed: 'bg-red-600',
};

export function StatusBadge({ status, title }: { status: string; title?: string | null }) {
  return (
    <span
      data-status={status}
      title={title ?? undefined}
      className={`inline-flex items-center gap-1.5 rounded-sm border px-2 py-0.5 text-xs whitespace-nowrap ${TONE[status] ?? 'border-gray-300 bg-gray-50 text-gray-600'}`}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${DOT[status] ?? 'bg-gray-400'}`} />
      {status}
    </span>
  );
}

/** precheck item results and other small labels */
export function ResultBadge({ result }: { result: 'pass' | 'warn' | 'fail' | 'ignored' | 'pending' }) {
  const map = {
    pending: ['Checking', 'border-blue-200 bg-blue-50 text-blue-700'],
    pass: ['Passed', 'border-green-300 bg-green-50 text-green-700'],
    warn: ['Warning', 'border-orange-300 bg-orange-50 text-orange-700'],
    fail: ['Failed', 'border-red-300 bg-red-50 text-red-700'],
    ignored: ['Ignored', 'border-gray-300 bg-gray-100 text-gray-600'],
  } as const;
  const [text, cls] = map[result];
  return <span className={`inline-block rounded-sm border px-1.5 py-0.5 text-xs ${cls}`}>{text}</span>;
}
