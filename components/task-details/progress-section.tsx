'use client';
// Progress: the task's modules as DTS shows them (Schema Synchronization, Full Data
// Synchronization, Incremental Data Collection, Incremental Write), their statuses as computed
// by the server (server/services/progress-modules.ts), and the per-table full data progress.
import type { ProgressModule } from '../data/task-details';
import type { TaskDetail } from '../data/tasks';
import { formatLatency, formatNumber, percent } from '../ui/format';
import { ProgressBar } from '../ui/progress';
import { Section } from './section';
import { TableProgressList } from './table-progress';

const TONE: Record<ProgressModule['status'], string> = {
  Running: 'text-blue-700 bg-blue-50 border-blue-200',
  Completed: 'text-green-700 bg-green-50 border-green-200',
  Paused: 'text-gray-700 bg-gray-100 border-gray-300',
  Retrying: 'text-orange-700 bg-orange-50 border-orange-200',
  Failed: 'text-red-700 bg-red-50 border-red-200',
  'Not Started': 'text-gray-600 bg-white border-gray-300',
  'Not selected': 'text-gray-400 bg-white border-gray-200',
  Ended: 'text-gray-600 bg-gray-50 border-gray-300',
};

export function ProgressSection({ task }: { task: TaskDetail }) {
  const full = task.modules.find((m) => m.key === 'full');
  const p = task.progress;
  return (
    <Section id="progress" title="Progress" testId="progress-section">
      <ol className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-4">
        {task.modules.map((m, i) => (
          <ModuleCard key={m.key} m={m} step={i + 1} />
        ))}
      </ol>
      {full && full.status !== 'Not selected' && (
        <div className="mt-4" data-testid="full-data-progress">
          <div className="mb-2 flex flex-wrap items-center gap-x-6 gap-y-1 text-sm">
            <h3 className="font-semibold text-gray-800">Full Data Synchronization</h3>
            {p ? (
              <>
                <span className="text-gray-600">
                  Tables: <b className="tabular-nums">{p.tablesDone}</b> / <span className="tabular-nums">{p.tables}</span>
                </span>
                <span className="text-gray-600">
                  Rows: <b className="tabular-nums">{formatNumber(p.rowsDone)}</b> / <span className="tabular-nums">{formatNumber(p.rowsEstimated)}</span> (estimated)
                </span>
                <div className="w-56">
                  <ProgressBar value={percent(p.rowsDone, p.rowsEstimated)} label="Full Data Synchronization progress" tone={full.status === 'Completed' ? 'green' : full.status === 'Failed' ? 'red' : 'orange'} />
                </div>
              </>
            ) : (
              <span className="text-gray-500">The tables are listed when the task starts.</span>
            )}
          </div>
          {task.tables.length > 0 && <TableProgressList tables={task.tables} />}
        </div>
      )}
    </Section>
  );
}

function ModuleCard({ m, step }: { m: ProgressModule; step: number }) {
  const incremental = m.key === 'incremental-collection' || m.key === 'incremental-write';
  return (
    <li data-testid={`module-${m.key}`} data-status={m.status} className={`rounded-sm border p-3 ${m.status === 'Not selected' ? 'border-dashed border-gray-200' : 'border-gray-200'}`}>
      <div className="flex items-center gap-2">
        <span aria-hidden className={`flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${m.status === 'Completed' ? 'bg-green-600 text-white' : m.status === 'Running' ? 'bg-[#ff6a00] text-white' : 'bg-gray-200 text-gray-600'}`}>
          {m.status === 'Completed' ? '✓' : step}
        </span>
        <h3 className="text-sm font-medium text-gray-900">{m.module}</h3>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <span data-testid={`module-${m.key}-status`} className={`inline-flex items-center rounded-sm border px-1.5 py-0.5 text-xs ${TONE[m.status]}`}>
          {m.status === 'Running' && <span className="mr-1 h-1.5 w-1.5 animate-pulse rounded-full bg-current" />}
          {m.status}
        </span>
        {incremental && m.status !== 'Not selected' && (
          <span className="text-xs text-gray-600">
            Latency: <b className="tabular-nums text-gray-900">{formatLatency(m.latencyMs)}</b>
          </span>
        )}
      </div>
      {m.detail && <p className="mt-1.5 text-xs text-gray-500">{m.detail}</p>}
    </li>
  );
}
