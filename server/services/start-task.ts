// Start Task: a new task needs its latest precheck passed at 100% (every item passed, or a
// warning ignored); a Paused, Failed or Retrying task resumes without a new precheck.
import { conflict, precondition } from '../errors';
import { TaskStatus } from '../task-status';
import { checkNotGone, setDesiredState, type DesiredStateResult } from './set-desired-state';
import { lockTask, type Tx } from './task-lock';
import { peerTaskId } from './task-peer';
import { precheckStats } from './task-view';

const RESUMABLE: string[] = [TaskStatus.Paused, TaskStatus.Failed, TaskStatus.Retrying];

export async function startTask(id: string): Promise<DesiredStateResult> {
  return setDesiredState(id, 'Running', async (t, tx) => {
    checkNotGone(t, 'started');
    // Started At: the first time the task is started (End needs a started task); a refusal
    // below rolls it back with the rest of the transaction
    await tx.task.updateMany({ where: { id, startedAt: null }, data: { startedAt: new Date() } });
    if (t.desiredState === 'Ended') throw precondition(`Task ${id} has been ended; an ended task cannot be started`);
    await checkPeerNotRunning(id, tx);
    if (resumesWithoutPrecheck(t.status)) return;
    if (t.status === TaskStatus.Prechecking) throw precondition(`Task ${id} is Prechecking; wait until the precheck is complete`);
    if (t.desiredState === 'Running') throw conflict(`Task ${id} is already ${t.status === TaskStatus.NotStarted ? 'starting' : t.status}`);
    const refusal = await precheckRefusal(tx, id);
    if (refusal) throw precondition(refusal);
  });
}

/**
 * Why the latest precheck does not let a new task start, or null when it does (passed at a
 * success rate of 100%: every item passed, or its warning ignored). Failover asks it too.
 */
export async function precheckRefusal(client: Pick<Tx, 'precheckRun'>, id: string): Promise<string | null> {
  const run = await client.precheckRun.findFirst({ where: { taskId: id }, orderBy: { id: 'desc' }, include: { items: true } });
  if (!run || run.state === 'outdated') return `Task ${id} must pass a precheck before it can be started`;
  if (run.state !== 'passed') return `Task ${id} did not pass the precheck; fix the failed items and run the precheck again`;
  const stats = precheckStats(run.items);
  if (stats.successRate < 100) {
    const open = run.items.filter((i) => i.result === 'warn' && !i.ignored).map((i) => i.key);
    return `The precheck success rate of task ${id} is ${stats.successRate}%, precheck warnings not ignored (${open.join(', ')}); ignore the warning items or fix them and run the precheck again`;
  }
  return null;
}

/** whether a task in this status starts again without a new precheck */
export const resumesWithoutPrecheck = (status: string): boolean => RESUMABLE.includes(status);

/**
 * A reverse task and its forward task never run at once (seed 000): "You must pause the forward
 * synchronization instance before starting the reverse instance", and "After the reverse
 * instance is started, the original synchronization instance cannot be directly started."
 * Both directions of a two-way synchronization (seed 003) run at the same time.
 */
async function checkPeerNotRunning(id: string, tx: Tx): Promise<void> {
  const task = await peerTaskId(tx, id);
  const peerId = task?.peerId;
  if (!task || !peerId || task.topology === 'TwoWay') return;
  const peer = await lockTask(tx, peerId);
  if (peer.desiredState !== 'Running') return;
  if (task.topology === 'Reverse') {
    throw precondition(`The forward task ${peerId} is running. Pause it before you start the reverse task ${id}; if both write at once the data becomes inconsistent`);
  }
  throw precondition(`The reverse task ${peerId} is running. Pause the reverse task before you start task ${id} again`);
}
