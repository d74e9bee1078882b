// Which actions a task's state allows, as the console's Actions column and "More" menu show
// them. The services still decide (and refuse with a reason); this only keeps the console from
// offering what its state plainly rules out. Pure, so the list computes it for 1,000 tasks.
import { TaskStatus } from '../task-status';

export const TASK_ACTIONS = [
  'configure',
  'configureReverse',
  'changePolicy',
  'precheck',
  'start',
  'startReverse',
  'pause',
  'createReverse',
  'end',
  'release',
  'failover',
  'switchover',
  'switchBack',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

export interface ActionFacts {
  status: string;
  desiredState: string;
  topology: 'OneWay' | 'TwoWay' | 'Reverse';
  direction: 'Forward' | 'Reverse';
  syncIncremental: boolean;
  startedAt: Date | null;
  /** the latest precheck run's state: passed, failed, running, outdated, or null for none */
  precheckState: string | null;
  /** the paired task (reverse task, forward task of a reverse task, other direction of a two-way pair) */
  paired: { id: string; status: string; desiredState: string } | null;
}

const CONFIGURABLE: string[] = [TaskStatus.NotStarted, TaskStatus.PrecheckFailed];
const RESUMABLE: string[] = [TaskStatus.Paused, TaskStatus.Failed, TaskStatus.Retrying];
const PAUSABLE: string[] = [TaskStatus.NotStarted, TaskStatus.InitialSync, TaskStatus.Running, TaskStatus.Retrying];

export function allowedActions(t: ActionFacts): TaskAction[] {
  const out: TaskAction[] = [];
  const gone = t.desiredState === 'Released' || t.desiredState === 'Ended';
  if (t.desiredState === 'Released') return out;
  if (!gone && CONFIGURABLE.includes(t.status) && t.desiredState !== 'Running') out.push('configure', 'precheck');
  if (!gone && t.topology === 'TwoWay' && t.direction === 'Forward' && t.status === TaskStatus.Running && !t.paired) out.push('configureReverse');
  // the Conflict Resolution Policy of a task that detects conflicts, while it does not run
  if (!gone && t.topology !== 'OneWay' && (t.status === TaskStatus.Failed || (t.status === TaskStatus.Paused && t.desiredState !== 'Running'))) out.push('changePolicy');
  const startable =
    !gone &&
    t.status !== TaskStatus.Finished &&
    ((RESUMABLE.includes(t.status) && (t.status !== TaskStatus.Retrying || t.desiredState !== 'Running')) ||
      // a new task after a passed precheck; a reverse task that collects changes until it is started (seed 000)
      ((t.status === TaskStatus.NotStarted || t.status === TaskStatus.InitialSync) && t.desiredState !== 'Running' && t.precheckState === 'passed'));
  if (startable) out.push(t.topology === 'Reverse' ? 'startReverse' : 'start');
  if (t.desiredState === 'Running' && PAUSABLE.includes(t.status)) out.push('pause');
  if (t.topology === 'OneWay' && !t.paired && t.syncIncremental && t.status === TaskStatus.Running) out.push('createReverse');
  if (!gone && t.status !== TaskStatus.Finished && (t.startedAt !== null || t.desiredState === 'Running')) out.push('end');
  if (t.status !== TaskStatus.Prechecking) out.push('release');
  const reversePair = t.paired && t.topology !== 'TwoWay';
  if (reversePair && !gone && t.paired?.desiredState !== 'Released') out.push('failover', 'switchover', 'switchBack');
  return out;
}
