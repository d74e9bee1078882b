'use client';
// Data Synchronization Tasks: the console's home page. Filtering and paging are done by the
// server (tasks.list with status, search, limit and cursor); the page keeps a stack of cursors
// for Previous / Next, and the previous page stays on screen while the next one loads.
import { useState } from 'react';
import { useReadOnlyReason } from '../data/me';
import { useTaskList } from '../data/tasks';
import { useAutoRefresh } from '../data/use-auto-refresh';
import { LinkAction } from '../ui/button';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { ListToolbar } from './list-toolbar';
import { Pagination } from './pagination';
import { TaskTable } from './task-table';
import { useDebounced } from './use-debounced';

const PRIMARY = 'inline-flex items-center rounded-sm border border-[#ff6a00] bg-[#ff6a00] px-3 py-1 text-sm text-white hover:border-[#e65f00] hover:bg-[#e65f00]';

/** a viewer (the read-only role) sees it disabled, with the reason */
function CreateTaskLink() {
  const readOnly = useReadOnlyReason('tasks');
  return (
    <LinkAction href="/tasks/new" className={PRIMARY} disabledReason={readOnly}>
      Create Task
    </LinkAction>
  );
}

export function TaskListPage() {
  const [autoRefresh, setAutoRefresh] = useAutoRefresh('tasks');
  const [status, setStatus] = useState('');
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), 300);
  const [pageSize, setPageSize] = useState(20);
  // cursors of the pages after the first; a change of filter or page size starts from page 1
  const filterKey = `${status}\u0000${search}\u0000${pageSize}`;
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const list = useTaskList({ status: status || undefined, search: search || undefined, limit: pageSize, cursor: cursors.at(-1) }, autoRefresh);
  const filtered = status !== '' || search !== '';
  const items = list.data?.items ?? [];
  const nextCursor = list.data?.nextCursor ?? null;

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold text-gray-900">Data Synchronization Tasks</h1>
        <CreateTaskLink />
      </div>
      <section className="rounded-sm border border-gray-200 bg-white" aria-label="Tasks">
        <ListToolbar
          autoRefresh={autoRefresh}
          onAutoRefresh={setAutoRefresh}
          onRefresh={() => void list.refetch()}
          refreshing={list.isFetching}
          status={status}
          onStatus={setStatus}
          search={searchText}
          onSearch={setSearchText}
        />
        {list.error && <ErrorMessage error={list.error} className="m-4" />}
        {list.isPending ? (
          <Loading what="Loading tasks" />
        ) : items.length === 0 ? (
          cursors.length > 0 ? (
            <Empty>
              This page is empty.{' '}
              <button type="button" className="text-[#0070cc] hover:underline" onClick={() => setPaging({ key: filterKey, cursors: [] })}>
                Back to the first page
              </button>
            </Empty>
          ) : filtered ? (
            <Empty>No tasks match the filter.</Empty>
          ) : list.data ? (
            <NoTasks />
          ) : null
        ) : (
          <div className={list.isPlaceholderData ? 'opacity-60 transition-opacity' : ''} aria-busy={list.isPlaceholderData}>
            <TaskTable items={items} />
          </div>
        )}
        {(items.length > 0 || cursors.length > 0) && (
          <Pagination
            page={cursors.length + 1}
            pageSize={pageSize}
            onPageSize={setPageSize}
            shown={items.length}
            hasPrevious={cursors.length > 0}
            hasNext={nextCursor !== null && !list.isPlaceholderData}
            onPrevious={() => setPaging({ key: filterKey, cursors: cursors.slice(0, -1) })}
            onNext={() => nextCursor && setPaging({ key: filterKey, cursors: [...cursors, nextCursor] })}
          />
        )}
      </section>
    </div>
  );
}

function NoTasks() {
  return (
    <Empty>
      <div className="space-y-3" data-testid="tasks-empty">
        <p className="text-base text-gray-700">No tasks yet</p>
        <p>
          Create a data synchronization task to copy a PostgreSQL database and keep it in sync. For sample databases to try it with, run <code className="rounded-sm bg-gray-100 px-1 py-0.5 font-mono text-xs">npm run demo</code>.
        </p>
        <CreateTaskLink />
      </div>
    </Empty>
  );
}
