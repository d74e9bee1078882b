'use client';
// The top of the Task Management page: Back, the task's name, ID and status (with the reason of
// a failure or a retry), Auto Refresh, and the actions the server allows for the task's state.
import Link from 'next/link';
import { useState } from 'react';
import { useReadOnlyReason } from '../data/me';
import type { TaskAction, TaskDetail } from '../data/tasks';
import { PairActionDialog } from '../failover/pair-action-dialog';
import { ConflictPolicyDialog } from '../tasks/conflict-policy-dialog';
import { TaskActionDialog, type DialogKind } from '../tasks/task-action-dialog';
import { Button, LinkAction } from '../ui/button';
import { formatTime } from '../ui/format';
import { Menu, type MenuItem } from '../ui/menu';
import { StatusBadge } from '../ui/status-badge';

type PairKind = 'failover' | 'switchover' | 'switchBack';
type Open = { kind: DialogKind | 'changePolicy' } | null;

const RETRY_KIND: Record<string, string> = { connection: 'failed connection', other: 'other issues' };
const REASON_STATUSES = ['Failed', 'Retrying', 'Precheck Failed'];
const LINK_BUTTON = 'inline-flex items-center rounded-sm border px-3 py-1 text-sm whitespace-nowrap focus:outline-none focus-visible:ring-2 focus-visible:ring-[#ff6a00]/50';

export function TaskHeader({ task, autoRefresh, setAutoRefresh }: { task: TaskDetail; autoRefresh: boolean; setAutoRefresh: (on: boolean) => void }) {
  const [open, setOpen] = useState<Open>(null);
  // a viewer (the read-only role) sees the actions disabled, with the reason
  const readOnly = useReadOnlyReason('tasks');
  const can = (a: TaskAction) => task.actions.includes(a);
  const close = () => setOpen(null);
  const more: MenuItem[] = ([
    can('createReverse') && { key: 'createReverse', label: 'Create Reverse Task', disabledReason: readOnly, onSelect: () => setOpen({ kind: 'createReverse' }) },
    can('changePolicy') && { key: 'changePolicy', label: 'Change Conflict Resolution Policy', disabledReason: readOnly, onSelect: () => setOpen({ kind: 'changePolicy' }) },
    can('end') && { key: 'end', label: 'End Task', disabledReason: readOnly, onSelect: () => setOpen({ kind: 'end' }) },
    can('release') && { key: 'release', label: 'Release Task', danger: true, disabledReason: readOnly, onSelect: () => setOpen({ kind: 'release' }) },
  ] as Array<MenuItem | false>).filter((x): x is MenuItem => Boolean(x));
  const pairActions: Array<[PairKind, string]> = [
    ['failover', 'Failover'],
    ['switchover', 'Switchover'],
    ['switchBack', 'Switch Back'],
  ];

  return (
    <div className="space-y-3">
      <Link href="/" className="inline-flex items-center gap-1 text-sm text-[#0070cc] hover:text-[#ff6a00] hover:underline">
        <span aria-hidden>←</span> Back to Data Synchronization Tasks
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-lg font-semibold text-gray-900" title={task.name}>
              {task.name}
            </h1>
            <span data-testid="task-detail-status">
              <StatusBadge status={task.status} title={task.statusReason} />
            </span>
          </div>
          <p className="mt-0.5 text-xs text-gray-500">
            Task ID: <span className="font-mono text-gray-700">{task.id}</span>
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label className="mr-2 inline-flex cursor-pointer items-center gap-1.5 text-sm text-gray-700">
            <input type="checkbox" className="accent-[#ff6a00]" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.target.checked)} />
            Auto Refresh
          </label>
          {can('start') && (
            <Button variant="primary" onClick={() => setOpen({ kind: 'start' })} disabledReason={readOnly}>
              Start
            </Button>
          )}
          {can('startReverse') && (
            <Button variant="primary" onClick={() => setOpen({ kind: 'startReverse' })} disabledReason={readOnly}>
              Start Reverse Task
            </Button>
          )}
          {can('pause') && (
            <Button onClick={() => setOpen({ kind: 'pause' })} disabledReason={readOnly}>
              Pause
            </Button>
          )}
          {can('configure') && (
            <LinkAction href={`/tasks/${task.id}/configure`} className={`${LINK_BUTTON} border-gray-300 bg-white text-gray-800 hover:border-[#ff6a00] hover:text-[#ff6a00]`} disabledReason={readOnly}>
              Configure Task
            </LinkAction>
          )}
          {can('configureReverse') && (
            <LinkAction href={`/tasks/${task.id}/configure?direction=reverse`} className={`${LINK_BUTTON} border-[#ff6a00] bg-[#ff6a00] text-white hover:bg-[#e65f00]`} disabledReason={readOnly}>
              Configure Task (reverse direction)
            </LinkAction>
          )}
          {pairActions.filter(([a]) => can(a)).map(([a, label]) => (
            <Button key={a} onClick={() => setOpen({ kind: a })} disabledReason={readOnly}>
              {label}
            </Button>
          ))}
          <Menu label={<span className="inline-flex items-center rounded-sm border border-gray-300 bg-white px-3 py-1 text-gray-800">More ▾</span>} items={more} />
        </div>
      </div>
      <StatusReason task={task} />
      {task.procedure && (
        <div role="status" data-testid="task-procedure" className="flex flex-wrap items-center justify-between gap-2 rounded-sm border border-orange-300 bg-orange-50 px-3 py-2 text-sm text-orange-900">
          <p className="min-w-0 flex-1 break-words">{task.procedure.summary}</p>
          {task.procedure.state !== 'Running' && (
            <Button onClick={() => task.procedure && setOpen({ kind: task.procedure.action })} disabledReason={readOnly}>
              Open {pairActions.find(([a]) => a === task.procedure?.action)?.[1]}
            </Button>
          )}
        </div>
      )}
      {open &&
        (open.kind === 'changePolicy' ? (
          <ConflictPolicyDialog task={task} onClose={close} />
        ) : open.kind === 'failover' || open.kind === 'switchover' || open.kind === 'switchBack' ? (
          <PairActionDialog taskId={task.id} action={open.kind} onClose={close} />
        ) : (
          <TaskActionDialog task={task} kind={open.kind} onClose={close} />
        ))}
    </div>
  );
}

function StatusReason({ task }: { task: TaskDetail }) {
  // a task no replicator runs says so whatever its status
  if (!(REASON_STATUSES.includes(task.status) || task.unowned) || (!task.statusReason && !task.retryingSince)) return null;
  const retrying = task.status === 'Retrying';
  return (
    <div role="status" data-testid="task-status-reason" className={`rounded-sm border px-3 py-2 text-sm ${retrying ? 'border-orange-200 bg-orange-50 text-orange-800' : 'border-red-200 bg-red-50 text-red-700'}`}>
      {retrying && (
        <p className="font-medium">
          DTS is retrying{task.retryKind ? ` (${RETRY_KIND[task.retryKind] ?? task.retryKind})` : ''}
          {task.retryingSince ? ` since ${formatTime(task.retryingSince)}` : ''}.
        </p>
      )}
      {task.statusReason && <p className="whitespace-pre-wrap">{task.statusReason}</p>}
    </div>
  );
}
