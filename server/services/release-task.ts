// Release Task: the replicator cleans up every object the task created on the databases (slot,
// publication, origin, heartbeat and marker tables), then deletes the task.
import { conflict, precondition } from '../errors';
import { TaskStatus } from '../task-status';
import { setDesiredState, type DesiredStateResult } from './set-desired-state';

export async function releaseTask(id: string): Promise<DesiredStateResult> {
  return setDesiredState(id, 'Released', (t) => {
    if (t.desiredState === 'Released') throw conflict(`Task ${id} is already being released`);
    if (t.status === TaskStatus.Prechecking) throw precondition(`Task ${id} is Prechecking; wait until the precheck is complete`);
  });
}
