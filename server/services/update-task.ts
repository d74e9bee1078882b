// Configure a task. The connection, object and sync-type configuration can change only before
// the task starts (Not Started, Precheck Failed); settings also while Paused; the name at any
// time. A changed configuration invalidates the last precheck: the task must pass a new one.
import { z } from 'zod';
import { precondition } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { TaskStatus } from '../task-status';
import { endpointData } from './endpoint-config';
import { getTask } from './get-task';
import { notifyReplicator } from './notify-replicator';
import { endpointInput, objectSelection, syncTypes, taskSettings } from './task-config';
import { inTransaction, lockTask } from './task-lock';
import type { TaskDetailView } from './task-view';
import { parseInput } from './validate';

/** An endpoint as given to configure: the password may be left out to keep the stored one. */
export const endpointPatch = endpointInput.extend({ password: z.string().optional() });

export const taskUpdate = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(128).optional(),
  source: endpointPatch.optional(),
  destination: endpointPatch.optional(),
  syncTypes: syncTypes.optional(),
  objects: objectSelection.optional(),
  /** only the settings to change; merged with the current ones and validated as a whole */
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type TaskUpdate = z.input<typeof taskUpdate>;

const CONFIGURABLE: string[] = [TaskStatus.NotStarted, TaskStatus.PrecheckFailed];
const SETTINGS_CONFIGURABLE: string[] = [...CONFIGURABLE, TaskStatus.Paused];

export async function updateTask(input: TaskUpdate): Promise<TaskDetailView> {
  const u = parseInput(taskUpdate, input);
  const changesConfig = Boolean(u.source || u.destination || u.syncTypes || u.objects);
  await inTransaction(async (tx) => {
    const locked = await lockTask(tx, u.id);
    if (locked.desiredState === 'Released' || locked.desiredState === 'Ended') {
      throw precondition(`Task ${u.id} has been ${locked.desiredState.toLowerCase()}; it cannot be configured`);
    }
    if (changesConfig && !CONFIGURABLE.includes(locked.status)) {
      throw precondition(`Task ${u.id} is ${locked.status}; the source, destination, objects and synchronization types can be changed only before the task starts`);
    }
    if (u.settings && !SETTINGS_CONFIGURABLE.includes(locked.status)) {
      throw precondition(`Task ${u.id} is ${locked.status}; its settings can be changed only before it starts or while it is Paused`);
    }
    const task = await tx.task.findUniqueOrThrow({ where: { id: u.id }, include: { source: true, dest: true } });
    for (const [patch, endpointId] of [[u.source, task.sourceId], [u.destination, task.destId]] as const) {
      if (!patch) continue;
      const { passwordEnc, ...rest } = endpointData({ ...patch, password: patch.password ?? '' });
      await tx.endpoint.update({ where: { id: endpointId }, data: patch.password === undefined ? rest : { ...rest, passwordEnc } });
    }
    const data: Prisma.TaskUpdateInput = {};
    if (u.name) data.name = u.name;
    if (u.syncTypes) Object.assign(data, { syncSchema: u.syncTypes.schema, syncFull: u.syncTypes.full, syncIncremental: u.syncTypes.incremental });
    if (u.objects) data.objects = u.objects;
    if (u.settings) data.settings = parseInput(taskSettings, { ...(task.settings as object), ...u.settings }, 'settings');
    const invalidates = (changesConfig || Boolean(u.settings)) && CONFIGURABLE.includes(locked.status);
    if (invalidates) {
      data.status = TaskStatus.NotStarted;
      data.statusReason = null;
      await tx.precheckRun.updateMany({ where: { taskId: u.id, state: { in: ['passed', 'failed'] } }, data: { state: 'outdated' } });
    }
    await tx.task.update({ where: { id: u.id }, data });
  });
  await notifyReplicator(u.id);
  return getTask(u.id);
}
