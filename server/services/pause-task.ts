// Pause Task: only a task that is running (or starting, or retrying) can be paused.
import { conflict, precondition } from '../errors';
import { TaskStatus } from '../task-status';
import { checkNotGone, setDesiredState, type DesiredStateResult } from './set-desired-state';

const PAUSABLE: string[] = [TaskStatus.NotStarted, TaskStatus.InitialSync, TaskStatus.Running, TaskStatus.Retrying];

export async function pauseTask(id: string): Promise<DesiredStateResult> {
  return setDesiredState(id, 'Paused', (t) => {
    checkNotGone(t, 'paused');
    if (t.desiredState === 'Paused') throw conflict(`Task ${id} is already ${t.status === TaskStatus.Paused ? 'Paused' : 'pausing'}`);
    if (t.desiredState !== 'Running' || !PAUSABLE.includes(t.status)) {
      throw precondition(`Task ${id} is ${t.status}; only a running task can be paused`);
    }
  });
}
