'use client';
// Task Management: one task's status dashboard (issue 5). The header with the actions the
// server allows, then the sections: paired tasks, Basic Information, Progress, Performance,
// Events and Conflicts. Everything refreshes with Auto Refresh.
import { useTask } from '../data/tasks';
import { useAutoRefresh } from '../data/use-auto-refresh';
import { ErrorMessage, Loading } from '../ui/states';
import { BasicInfo } from './basic-info';
import { ConflictsSection } from './conflicts-section';
import { EventsSection } from './events-section';
import { hasPairSection, PairedTasks } from './paired-tasks';
import { PerformanceSection } from './performance-section';
import { PrecheckLink } from './precheck-link';
import { ProgressSection } from './progress-section';
import { TaskHeader } from './task-header';

export function TaskDetailsPage({ id }: { id: string }) {
  const [autoRefresh, setAutoRefresh] = useAutoRefresh('task-details');
  const q = useTask(id, autoRefresh);
  if (q.isPending) return <Loading what="Loading the task" />;
  if (q.error && !q.data) return <ErrorMessage error={q.error} />;
  const task = q.data;
  if (!task) return null;
  const showConflicts = task.topology !== 'OneWay' || task.conflictCount > 0;
  const showPair = hasPairSection(task);
  const nav: Array<[string, string]> = [
    ...(showPair ? [['paired-tasks', task.topology === 'TwoWay' ? 'Two-way Synchronization' : 'Reverse Task'] as [string, string]] : []),
    ['basic-information', 'Basic Information'],
    ['progress', 'Progress'],
    ['performance', 'Performance'],
    ['events', 'Events'],
    ...(showConflicts ? [['conflicts', `Conflicts (${task.conflictCount})`] as [string, string]] : []),
  ];
  return (
    <div className="space-y-4" data-testid="task-details">
      <TaskHeader task={task} autoRefresh={autoRefresh} setAutoRefresh={setAutoRefresh} />
      {q.error && <ErrorMessage error={`Refreshing failed: ${q.error.message}`} />}
      <nav aria-label="Task sections" className="sticky top-0 z-20 -mx-1 flex flex-wrap gap-1 border-b border-gray-200 bg-gray-50/95 px-1 py-1 backdrop-blur">
        {nav.map(([anchor, label]) => (
          <a key={anchor} href={`#${anchor}`} className="rounded-sm px-3 py-1.5 text-sm text-gray-700 hover:bg-white hover:text-[#ff6a00]">
            {label}
          </a>
        ))}
      </nav>
      <PrecheckLink task={task} />
      {showPair && <PairedTasks task={task} autoRefresh={autoRefresh} />}
      <BasicInfo task={task} />
      <ProgressSection task={task} />
      <PerformanceSection taskId={task.id} autoRefresh={autoRefresh} />
      <EventsSection taskId={task.id} autoRefresh={autoRefresh} />
      {showConflicts && <ConflictsSection taskId={task.id} total={task.conflictCount} autoRefresh={autoRefresh} />}
    </div>
  );
}
