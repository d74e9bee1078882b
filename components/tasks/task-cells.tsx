'use client';
// The cells of a task list row: ID/Name, Status, Source/Destination, Topology, Progress,
// Retained WAL/Binlog.
import Link from 'next/link';
import { RETAINED_LEVEL_CLASS, retainedLevel, retainedText, retainedTitle } from '../data/retained';
import type { TaskSummary } from '../data/tasks';
import { EngineIcon } from '../ui/engine-icon';
import { endpointAddress, formatTime, percent } from '../ui/format';
import { ProgressBar } from '../ui/progress';
import { StatusBadge } from '../ui/status-badge';
import { REASON_SHOWN, TOPOLOGY_LABEL, pairedLabel, pendingChange } from './statuses';

const LINK = 'text-[#0070cc] hover:text-[#ff6a00] hover:underline';

export function IdNameCell({ task }: { task: TaskSummary }) {
  return (
    <>
      <Link href={`/tasks/${task.id}`} className={`${LINK} font-mono text-xs break-all`}>
        {task.id}
      </Link>
      <div className="mt-0.5 break-words text-gray-800" title={task.name}>
        {task.name}
      </div>
    </>
  );
}

export function StatusCell({ task }: { task: TaskSummary }) {
  const reason = task.statusReason;
  const alarming = REASON_SHOWN.includes(task.status) || task.unowned;
  const pending = pendingChange(task);
  return (
    <>
      <span data-testid={`task-status-${task.id}`} className="inline-block max-w-full [&>span]:whitespace-normal">
        <StatusBadge status={task.status} title={task.statusReason} />
      </span>
      {pending && <div className="mt-0.5 text-xs text-gray-500">{pending}</div>}
      {reason && (
        <div data-testid={`task-status-reason-${task.id}`} className={`mt-0.5 line-clamp-2 text-xs break-words ${alarming ? 'text-red-600' : 'text-gray-500'}`} title={reason}>
          {reason}
        </div>
      )}
      {task.status === 'Precheck Failed' && (
        <Link href={`/tasks/${task.id}`} className={`${LINK} text-xs`}>
          View Cause
        </Link>
      )}
    </>
  );
}

function EndpointLine({ e, arrow }: { e: TaskSummary['source']; arrow?: boolean }) {
  return (
    <div className="flex min-w-0 items-start gap-1" title={endpointAddress(e)}>
      <span aria-hidden className={`w-3 shrink-0 text-gray-400 ${arrow ? '' : 'invisible'}`}>
        →
      </span>
      <span className="mt-0.5 shrink-0">
        <EngineIcon engine={e.engine} />
      </span>
      <span className="min-w-0 text-xs break-words text-gray-700">
        <span className="whitespace-nowrap">
          {e.host}:{e.port}
        </span>
        <wbr />/{e.database}
      </span>
    </div>
  );
}

export function EndpointsCell({ task }: { task: TaskSummary }) {
  return (
    <div className="min-w-0 space-y-0.5">
      <span className="sr-only">Source</span>
      <EndpointLine e={task.source} />
      <span className="sr-only">Destination</span>
      <EndpointLine e={task.destination} arrow />
    </div>
  );
}

export function TopologyCell({ task }: { task: TaskSummary }) {
  return (
    <>
      <div className="text-gray-800">{TOPOLOGY_LABEL[task.topology]}</div>
      {task.paired && (
        <div className="mt-0.5 text-xs text-gray-500">
          {pairedLabel(task)}:{' '}
          <Link href={`/tasks/${task.paired.id}`} className={`${LINK} inline-block font-mono break-all`} data-testid={`task-paired-${task.id}`}>
            {task.paired.id}
          </Link>
        </div>
      )}
    </>
  );
}

export function ProgressCell({ task }: { task: TaskSummary }) {
  const p = task.progress;
  if (task.status === 'Performing Initial Synchronization' && p) {
    return (
      <div data-testid={`task-progress-${task.id}`}>
        <ProgressBar value={percent(p.rowsDone, p.rowsEstimated)} label={`Initial synchronization of ${task.id}`} />
        <div className="mt-0.5 text-xs text-gray-500">
          {p.tablesDone}/{p.tables} tables
        </div>
      </div>
    );
  }
  if (task.status === 'Running' && p && p.tables > 0 && p.tablesDone === p.tables) return <span className="text-xs text-green-700">Completed</span>;
  return <span className="text-gray-400">-</span>;
}

/** what the task keeps on its source ("1.0 GB"), amber or red when large; the tooltip says when it was measured */
export function RetainedCell({ task }: { task: TaskSummary }) {
  const r = task.retained;
  return (
    <span data-testid={`task-retained-${task.id}`} className={`text-xs whitespace-nowrap tabular-nums ${RETAINED_LEVEL_CLASS[retainedLevel(r)]}`} title={retainedTitle(r)}>
      {retainedText(r)}
      {r?.note && <span aria-hidden className="ml-0.5 text-gray-400">ⓘ</span>}
    </span>
  );
}

/** "2026-11-22" over "20:15:33" */
export function CreatedCell({ task }: { task: TaskSummary }) {
  const [date, time] = formatTime(task.createdAt).split(' ');
  return (
    <span className="text-xs text-gray-600 tabular-nums">
      <span className="whitespace-nowrap">{date}</span> <span className="whitespace-nowrap">{time}</span>
    </span>
  );
}
