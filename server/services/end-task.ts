// End Task: stops a started task for good (it becomes Finished). A task that never started has
// nothing to end: release it instead.
import { conflict, precondition } from '../errors';
import { checkNotGone, setDesiredState, type DesiredStateResult } from './set-desired-state';

export async function endTask(id: string): Promise<DesiredStateResult> {
  return setDesiredState(id, 'Ended', async (t, tx) => {
    checkNotGone(t, 'ended');
    if (t.desiredState === 'Ended') throw conflict(`Task ${id} is already ending`);
    const row = await tx.task.findUniqueOrThrow({ where: { id }, select: { startedAt: true } });
    if (t.desiredState === 'Stopped' && !row.startedAt) {
      throw precondition(`Task ${id} is ${t.status} and has never been started; release it instead`);
    }
  });
}
