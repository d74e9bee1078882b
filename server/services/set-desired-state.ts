// Shared by start, pause, end and release: lock the task, let the use case check that its
// current state allows the change, write the desired state, then wake the replicators.
import { conflict, precondition } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { TaskStatus } from '../task-status';
import { notifyReplicator } from './notify-replicator';
import { inTransaction, lockTask, type LockedTask, type Tx } from './task-lock';

export type DesiredState = LockedTask['desiredState'];

export interface DesiredStateResult {
  id: string;
  status: string;
  desiredState: DesiredState;
}

/** The checks every transition shares: nothing is done to a released or finished task. */
export function checkNotGone(t: LockedTask, verb: string): void {
  if (t.desiredState === 'Released') throw conflict(`Task ${t.id} is being released; it cannot be ${verb}`);
  if (t.status === TaskStatus.Finished) throw precondition(`Task ${t.id} is Finished; a finished task cannot be ${verb}`);
}

export async function setDesiredState(
  id: string,
  desired: DesiredState,
  check: (t: LockedTask, tx: Tx) => Promise<void> | void,
  extra: Prisma.TaskUpdateInput = {},
): Promise<DesiredStateResult> {
  const result = await inTransaction(async (tx) => {
    const t = await lockTask(tx, id);
    await check(t, tx);
    const row = await tx.task.update({ where: { id }, data: { desiredState: desired, ...extra }, select: { id: true, status: true, desiredState: true } });
    return row;
  });
  await notifyReplicator(id);
  return result;
}
