'use client';
// Conflicts (two-way synchronization and reverse tasks): what the conflict detection found, the
// policy in force and what it did, with the source's and the destination's row images.
import { CONFLICTS_PAGE, useTaskConflicts, type ConflictItem } from '../data/task-details';
import { Button } from '../ui/button';
import { formatNumber, formatTime } from '../ui/format';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { RowImages } from './row-images';
import { Section } from './section';

const KIND: Record<ConflictItem['kind'], string> = {
  unique_conflict: 'Uniqueness conflict (the row already exists)',
  update_differs: 'Update conflict (the destination row differs)',
  update_missing: 'Update conflict (the row is missing in the destination)',
  delete_missing: 'Delete conflict (the row is missing in the destination)',
};

const ACTION_TONE: Record<ConflictItem['action'], string> = {
  overwritten: 'text-orange-700',
  ignored: 'text-gray-600',
  failed: 'text-red-700',
  inserted: 'text-blue-700',
  skipped: 'text-gray-600',
};

export function ConflictsSection({ taskId, total, autoRefresh }: { taskId: string; total: number; autoRefresh: boolean }) {
  const q = useTaskConflicts(taskId, true, autoRefresh);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Section id="conflicts" title="Conflicts" testId="conflicts-section" extra={<span className="text-gray-500">{formatNumber(total)} in all</span>}>
      {q.isPending ? (
        <Loading what="Loading conflicts" />
      ) : q.error ? (
        <ErrorMessage error={q.error} />
      ) : items.length === 0 ? (
        <Empty>No conflicts have been recorded.</Empty>
      ) : (
        <>
          <ul className="max-h-[40rem] space-y-2 overflow-auto pr-1" aria-label="Conflicts">
            {items.map((c) => (
              <ConflictCard key={c.id} c={c} />
            ))}
          </ul>
          <div className="mt-3 flex items-center gap-3 text-xs text-gray-500">
            {q.hasNextPage && (
              <Button onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
                {q.isFetchingNextPage ? 'Loading…' : `Load ${CONFLICTS_PAGE} more`}
              </Button>
            )}
            <span>
              Showing {formatNumber(items.length)} of {formatNumber(total)}
            </span>
          </div>
        </>
      )}
    </Section>
  );
}

function ConflictCard({ c }: { c: ConflictItem }) {
  const key = Object.entries(c.key)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return (
    <li data-testid="conflict" data-conflict-id={c.id} className="grid grid-cols-1 gap-0 rounded-sm border border-gray-200 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <dl className="space-y-0.5 border-b border-gray-100 bg-gray-50 px-3 py-2 text-xs lg:border-r lg:border-b-0">
        <Fact label="Table">
          <span className="font-mono">{c.table}</span>
        </Fact>
        <Fact label="Primary Key">
          <span className="font-mono">{key}</span>
        </Fact>
        <Fact label="Conflict">
          {c.op.toUpperCase()} · {KIND[c.kind]}
        </Fact>
        <Fact label="Policy / Action">
          {c.policy} → <span className={`font-medium ${ACTION_TONE[c.action]}`}>{c.action}</span>
        </Fact>
        <Fact label="Source Position">
          <span className="font-mono">{c.position}</span>
        </Fact>
        <Fact label="Committed">{formatTime(c.sourceTime)}</Fact>
        <Fact label="Detected">{formatTime(c.createdAt)}</Fact>
      </dl>
      <RowImages source={c.sourceImage} before={c.beforeImage} target={c.targetImage} />
    </li>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex min-w-0 gap-2">
      <dt className="w-28 shrink-0 text-gray-500">{label}</dt>
      <dd className="min-w-0 break-words text-gray-900">{children}</dd>
    </div>
  );
}
