// Display helpers for the task list: the statuses the Status filter offers (the DTS wording of
// server/task-status.ts) and the words for topologies and pending state changes.
import { TaskStatus } from '../../server/task-status';
import type { TaskSummary } from '../data/tasks';

export const TASK_STATUSES: readonly string[] = Object.values(TaskStatus);

/** statuses whose reason is shown in red under the badge (other reasons are shown in gray) */
export const REASON_SHOWN: readonly string[] = ['Failed', 'Retrying', 'Precheck Failed'];

export const TOPOLOGY_LABEL: Record<TaskSummary['topology'], string> = {
  OneWay: 'One-way',
  TwoWay: 'Two-way',
  Reverse: 'Reverse',
};

/** how the paired task is named from this task's side */
export function pairedLabel(t: Pick<TaskSummary, 'topology' | 'direction'>): string {
  if (t.topology === 'Reverse') return 'Forward task';
  if (t.topology === 'TwoWay') return t.direction === 'Forward' ? 'Reverse direction' : 'Forward direction';
  return 'Reverse task';
}

/** a state change asked for and not yet carried out by the replicator ("Pausing…") */
export function pendingChange(t: Pick<TaskSummary, 'status' | 'desiredState'>): string | null {
  if (t.desiredState === 'Released') return 'Releasing…';
  if (t.desiredState === 'Ended' && t.status !== 'Finished') return 'Ending…';
  if (t.desiredState === 'Paused' && !['Paused', 'Not Started', 'Failed'].includes(t.status)) return 'Pausing…';
  if (t.desiredState === 'Running' && ['Not Started', 'Paused'].includes(t.status)) return 'Starting…';
  return null;
}
