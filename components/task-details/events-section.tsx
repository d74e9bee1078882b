'use client';
// Events: the task's log, newest first, with "Load more".
import { useState } from 'react';
import { EVENTS_PAGE, useTaskEvents, type TaskEvent } from '../data/task-details';
import { Button } from '../ui/button';
import { formatTime } from '../ui/format';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { Section } from './section';

const LEVEL: Record<string, string> = {
  info: 'border-blue-200 bg-blue-50 text-blue-700',
  warn: 'border-orange-200 bg-orange-50 text-orange-700',
  error: 'border-red-200 bg-red-50 text-red-700',
};

export function EventsSection({ taskId, autoRefresh }: { taskId: string; autoRefresh: boolean }) {
  const [shown, setShown] = useState(EVENTS_PAGE);
  const q = useTaskEvents(taskId, shown, autoRefresh);
  return (
    <Section id="events" title="Events" testId="events-section">
      {q.isPending ? (
        <Loading what="Loading events" />
      ) : q.error ? (
        <ErrorMessage error={q.error} />
      ) : q.items.length === 0 ? (
        <Empty>No events yet.</Empty>
      ) : (
        <>
          <div className="max-h-[28rem] overflow-auto rounded-sm border border-gray-200">
            <table className="w-full text-sm">
              <thead className="sticky top-0 bg-gray-100 text-left text-xs text-gray-600">
                <tr>
                  <th className="w-44 px-3 py-2 font-medium">Time</th>
                  <th className="w-20 px-3 py-2 font-medium">Level</th>
                  <th className="px-3 py-2 font-medium">Message</th>
                </tr>
              </thead>
              <tbody>
                {q.items.map((e) => (
                  <EventRow key={e.id} e={e} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="mt-2 flex items-center gap-3 text-xs text-gray-500">
            {q.mayHaveMore && (
              <Button onClick={() => setShown((n) => n + EVENTS_PAGE)} disabled={q.isPlaceholderData}>
                {q.isPlaceholderData ? 'Loading…' : 'Load more'}
              </Button>
            )}
            <span>{q.atMax ? 'Showing the newest 1,000 events.' : `${q.items.length} event(s)`}</span>
          </div>
        </>
      )}
    </Section>
  );
}

function EventRow({ e }: { e: TaskEvent }) {
  return (
    <tr data-testid="task-event" data-level={e.level} className="border-t border-gray-100 align-top">
      <td className="px-3 py-1.5 text-xs whitespace-nowrap text-gray-600 tabular-nums">{formatTime(e.createdAt)}</td>
      <td className="px-3 py-1.5">
        <span className={`inline-block rounded-sm border px-1.5 text-xs ${LEVEL[e.level] ?? 'border-gray-200 bg-gray-50 text-gray-600'}`}>{e.level}</span>
      </td>
      <td className={`px-3 py-1.5 break-words whitespace-pre-wrap ${e.level === 'error' ? 'text-red-700' : 'text-gray-800'}`}>{e.message}</td>
    </tr>
  );
}
