'use client';
// The Actions column: Configure Task, Start, Pause and View Details as links, the rest in the
// "More" menu. Only the actions the server lists in `actions` are offered.
import Link from 'next/link';
import type { TaskAction, TaskSummary } from '../data/tasks';
import { Menu, type MenuItem } from '../ui/menu';
import type { DialogKind } from './task-action-dialog';

const BASE = 'text-sm text-[#0070cc] hover:text-[#ff6a00] hover:underline';
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
  const can = (a: TaskAction) => task.actions.includes(a);
  const more: MenuItem[] = MORE.filter((m) => can(m.action)).map((m) => ({ key: m.action, label: m.label, danger: m.danger, onSelect: () => onAction(m.action) }));
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-0.5">
      {can('configure') && (
        <Link href={`/tasks/${task.id}/configure`} className={LINK}>
          Configure Task
        </Link>
      )}
      {can('configureReverse') && (
        <Link href={`/tasks/${task.id}/configure?direction=reverse`} className={BASE}>
          Configure Task (reverse direction)
        </Link>
      )}
      {can('start') && (
        <button type="button" className={LINK} onClick={() => onAction('start')}>
          Start
        </button>
      )}
      {can('pause') && (
        <button type="button" className={LINK} onClick={() => onAction('pause')}>
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
