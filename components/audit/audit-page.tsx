'use client';
// Audit Log (administrators): every change made through the console, the CLI and the API, and
// every sign-in, with who (user and API token), from where, and how it ended. Filters by user,
// task and action; "Load more" pages back; Auto Refresh as on the task list. A non-administrator
// sees the server's refusal.
import { useState } from 'react';
import { useAuditLog } from '../data/audit';
import { useAutoRefresh } from '../data/use-auto-refresh';
import { useDebounced } from '../tasks/use-debounced';
import { AutoRefreshControls } from '../ui/auto-refresh';
import { Button } from '../ui/button';
import { formatNumber } from '../ui/format';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { auditQuery, EMPTY_FILTER, hasFilter, mergePages, type AuditFilterForm } from './audit-format';
import { AuditTable } from './audit-table';

const CONTROL = 'rounded-sm border border-gray-300 bg-white px-2 py-1 text-sm focus:border-[#ff6a00] focus:outline-none';

/** the procedures most looked for; any other can be typed */
const COMMON_ACTIONS = ['auth.login', 'auth.issueToken', 'auth.lock', 'auth.createUser', 'auth.setUserDisabled', 'auth.setPassword', 'auth.createToken', 'auth.revokeToken', 'tasks.create', 'tasks.configure', 'tasks.start', 'tasks.pause', 'tasks.end', 'tasks.release', 'tasks.failover', 'tasks.switchover', 'endpoints.registerConnection', 'endpoints.removeConnection'];

export function AuditPage() {
  const [autoRefresh, setAutoRefresh] = useAutoRefresh('audit');
  const [form, setForm] = useState<AuditFilterForm>(EMPTY_FILTER);
  const filter = useDebounced(form, 300);
  const [refused, setRefused] = useState(false);
  const q = useAuditLog(auditQuery(filter), autoRefresh && !refused);
  const forbidden = q.error?.data?.code === 'FORBIDDEN';
  if (forbidden !== refused) setRefused(forbidden);
  const items = mergePages(q.data?.pages ?? []);
  const set = (patch: Partial<AuditFilterForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold text-gray-900">Audit Log</h1>
      <section className="rounded-sm border border-gray-200 bg-white" aria-label="Audit log entries">
        <div className="flex flex-wrap items-center gap-3 border-b border-gray-200 px-4 py-3">
          <input type="search" aria-label="User" placeholder="User" className={`${CONTROL} w-40`} value={form.username} onChange={(e) => set({ username: e.target.value })} />
          <input type="search" aria-label="Task ID" placeholder="Task ID" className={`${CONTROL} w-48 font-mono`} value={form.taskId} onChange={(e) => set({ taskId: e.target.value })} />
          <input type="search" aria-label="Action" placeholder="Action, e.g. tasks.pause" list="audit-actions" className={`${CONTROL} w-56 font-mono`} value={form.action} onChange={(e) => set({ action: e.target.value })} />
          <datalist id="audit-actions">
            {COMMON_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          {hasFilter(form) && (
            <Button variant="link" onClick={() => setForm(EMPTY_FILTER)}>
              Clear filters
            </Button>
          )}
          <AutoRefreshControls autoRefresh={autoRefresh} onAutoRefresh={setAutoRefresh} onRefresh={() => void q.refetch()} refreshing={q.isFetching && !q.isFetchingNextPage} />
        </div>
        <p className="border-b border-gray-100 bg-gray-50/60 px-4 py-2 text-xs text-gray-600">
          Every change made through the console, the dts command line or the API, refused ones too, and every sign-in, newest first. Reads are not recorded. The user filter and the action filter match the
          whole name (for example <code className="font-mono">alice</code>, <code className="font-mono">tasks.pause</code>).
        </p>
        {q.error && <ErrorMessage error={q.error} className="m-4" />}
        {q.isPending ? (
          <Loading what="Loading the audit log" />
        ) : q.error && items.length === 0 ? null : items.length === 0 ? (
          <Empty>{hasFilter(filter) ? 'No entries match the filter.' : 'The audit log is empty.'}</Empty>
        ) : (
          <div className={q.isPlaceholderData ? 'opacity-60 transition-opacity' : ''} aria-busy={q.isPlaceholderData}>
            <AuditTable items={items} />
          </div>
        )}
        {items.length > 0 && (
          <div className="flex items-center justify-end gap-3 px-4 py-3 text-xs text-gray-500">
            <span>{formatNumber(items.length)} entries shown</span>
            {q.hasNextPage && (
              <Button onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage || q.isPlaceholderData}>
                {q.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
