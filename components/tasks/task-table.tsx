'use client';
// The task table: one row a task, and the action dialog opened from a row.
import { useState } from 'react';
import type { TaskSummary } from '../data/tasks';
import { formatLatency } from '../ui/format';
import { TaskActionDialog, type DialogKind } from './task-action-dialog';
import { ActionsCell } from './task-actions-cell';
import { CreatedCell, EndpointsCell, IdNameCell, ProgressCell, RetainedCell, StatusCell, TopologyCell } from './task-cells';

const COLUMNS: Array<{ label: string; width: string }> = [
  { label: 'ID/Name', width: 'w-[13%]' },
  { label: 'Status', width: 'w-[14%]' },
  { label: 'Source/Destination', width: 'w-[17%]' },
  { label: 'Topology', width: 'w-[11%]' },
  { label: 'Latency', width: 'w-[7%]' },
  { label: 'Progress', width: 'w-[10%]' },
  { label: 'Retained WAL/Binlog', width: 'w-[7%]' },
  { label: 'Created', width: 'w-[8%]' },
  { label: 'Actions', width: 'w-[13%]' },
];

export function TaskTable({ items }: { items: TaskSummary[] }) {
  const [open, setOpen] = useState<{ task: TaskSummary; kind: DialogKind } | null>(null);
  return (
    <>
      <table className="w-full table-fixed border-collapse text-sm" data-testid="task-table">
        <thead>
          <tr className="bg-gray-100 text-left text-xs font-medium text-gray-600">
            {COLUMNS.map((c) => (
              <th key={c.label} scope="col" className={`${c.width} border-b border-gray-200 px-2.5 py-2 font-medium`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.id} data-testid={`task-row-${t.id}`} className="border-b border-gray-100 align-top hover:bg-gray-50">
              <td className="px-2.5 py-2.5">
                <IdNameCell task={t} />
              </td>
              <td className="px-2.5 py-2.5">
                <StatusCell task={t} />
              </td>
              <td className="px-2.5 py-2.5">
                <EndpointsCell task={t} />
              </td>
              <td className="px-2.5 py-2.5">
                <TopologyCell task={t} />
              </td>
              <td className="px-2.5 py-2.5 text-xs whitespace-nowrap tabular-nums" data-testid={`task-latency-${t.id}`}>
                {formatLatency(t.latest?.latencyMs)}
              </td>
              <td className="px-2.5 py-2.5">
                <ProgressCell task={t} />
              </td>
              <td className="px-2.5 py-2.5">
                <RetainedCell task={t} />
              </td>
              <td className="px-2.5 py-2.5">
                <CreatedCell task={t} />
              </td>
              <td className="px-2.5 py-2.5">
                <ActionsCell task={t} onAction={(kind) => setOpen({ task: t, kind })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <TaskActionDialog key={`${open.task.id}-${open.kind}`} task={open.task} kind={open.kind} onClose={() => setOpen(null)} />}
    </>
  );
}
