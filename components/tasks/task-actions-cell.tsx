'use client';
// The Actions column: Configure Task, Start, Pause and View Details as links, the rest in the
// "More" menu. Only the actions the server lists in `actions` are offered; a viewer (the
// read-only role) sees them disabled, with the reason.
import Link from 'next/link';
import { useReadOnlyReason } from '../data/me';
import type { TaskAction, TaskSummary } from '../data/tasks';
import { LinkAction } from '../ui/button';
import { Menu, type MenuItem } from '../ui/menu';
import type { DialogKind } from './task-action-dialog';

const BASE = 'text-sm text-[#0070cc] hover:text-[#ff6a00] hover:underline disabled:cursor-not-allowed disabled:opacity-50 disabled:no-underline';
const LINK = `${BASE} whitespace-nowrap`;

const MORE: Array<{ action: TaskAction & DialogKind; label: string; danger?: boolean }> = [
  { action: 'createReverse', label: 'Create Reverse Task' },
  { action: 'startReverse', label: 'Start Reverse Task' },
  { action: 'failover', label: 'Failover' },
  { action: 'switchover', label: 'Switchover' },
  { action: 'switchBack', label: 'Switch Back' },
  { action: 'end', label: 'End', danger: true },
  { action: 'release', label: 'Release', danger: true },
];

export function ActionsCell({ task, onAction }: { task: TaskSummary; onAction: (kind: DialogKind) => void }) {
  const readOnly = useReadOnlyReason('tasks');
  const can = (a: TaskAction) => task.actions.includes(a);
  const more: MenuItem[] = MORE.filter((m) => can(m.action)).map((m) => ({ key: m.action, label: m.label, danger: m.danger, disabledReason: readOnly, onSelect: () => onAction(m.action) }));
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-0.5">
      {can('configure') && (
        <LinkAction href={`/tasks/${task.id}/configure`} className={LINK} disabledReason={readOnly}>
          Configure Task
        </LinkAction>
      )}
      {can('configureReverse') && (
        <LinkAction href={`/tasks/${task.id}/configure?direction=reverse`} className={`${BASE} text-left`} disabledReason={readOnly}>
          Configure Task (reverse direction)
        </LinkAction>
      )}
      {can('start') && (
        <button type="button" className={LINK} onClick={() => onAction('start')} disabled={readOnly !== null} title={readOnly ?? undefined}>
          Start
        </button>
      )}
      {can('pause') && (
        <button type="button" className={LINK} onClick={() => onAction('pause')} disabled={readOnly !== null} title={readOnly ?? undefined}>
          Pause
        </button>
      )}
      <Link href={`/tasks/${task.id}`} className={LINK}>
        View Details
      </Link>
      <Menu label="More ▾" ariaLabel={`More actions for ${task.id}`} items={more} />
    </div>
  );
}
