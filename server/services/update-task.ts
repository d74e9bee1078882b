// Configure a task. The connection, object and sync-type configuration can change only before
// the task starts (Not Started, Precheck Failed); settings also while Paused or Failed (a task
// Failed under the TaskFailed policy gets another policy, then starts again); the name at any
// time. A changed configuration invalidates the last precheck: the task must pass a new one.
// The reverse direction of a two-way pair stays incremental only, without Exclude DDL Operations.
import { z } from 'zod';
import { badRequest, precondition } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { TaskStatus } from '../task-status';
import { checkReverseDirectionChange } from './configure-reverse-direction';
import { withSavedPassword } from './connections';
import { endpointData } from './endpoint-config';
import { getTask } from './get-task';
import { notifyReplicator } from './notify-replicator';
import { assertRenameRules } from './rename-rules';
import { endpointInput, objectSelection, syncTypes, taskSettings } from './task-config';
import { inTransaction, lockTask } from './task-lock';
import type { TaskDetailView } from './task-view';
import { parseInput } from './validate';

/**
 * An endpoint as given to configure: the password may be left out to keep the stored one, but
 * only while the address and account stay the same (see ADDRESS_FIELDS).
 */
export const endpointPatch = endpointInput.extend({ password: z.string().max(1024).optional() });

export const taskUpdate = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(128).optional(),
  source: endpointPatch.optional(),
  destination: endpointPatch.optional(),
  syncTypes: syncTypes.optional(),
  objects: objectSelection.optional(),
  /** only the settings to change; merged with the current ones and validated as a whole */
  settings: z.record(z.string().max(64), z.unknown()).optional(),
});
export type TaskUpdate = z.input<typeof taskUpdate>;

/**
 * The fields that say where the stored password is sent. Changing any of them needs the
 * password again: otherwise anyone who may configure a task could point the endpoint at a
 * server of their own and have a precheck or connectivity test send it the stored password.
 */
const ADDRESS_FIELDS = ['engine', 'host', 'port', 'database', 'user'] as const;

const CONFIGURABLE: string[] = [TaskStatus.NotStarted, TaskStatus.PrecheckFailed];
const SETTINGS_CONFIGURABLE: string[] = [...CONFIGURABLE, TaskStatus.Paused, TaskStatus.Failed];

export async function updateTask(input: TaskUpdate): Promise<TaskDetailView> {
  const u = parseInput(taskUpdate, input);
  assertRenameRules(u.objects);
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
      throw precondition(`Task ${u.id} is ${locked.status}; its settings can be changed only before it starts, or while it is Paused or Failed`);
    }
    const task = await tx.task.findUniqueOrThrow({ where: { id: u.id }, include: { source: true, dest: true } });
    if (task.topology === 'TwoWay' && task.direction === 'Reverse') checkReverseDirectionChange(u);
    for (const [side, given, stored] of [['source', u.source, task.source], ['destination', u.destination, task.dest]] as const) {
      if (!given) continue;
      const patch = given.connectionId !== undefined && !given.password ? await withSavedPassword(given, side) : given;
      const changed: string[] = ADDRESS_FIELDS.filter((f) => patch[f] !== stored[f]);
      // a weaker SSL mode would let someone on the network read the password
      const storedSsl = (stored.options as { ssl?: string } | null)?.ssl;
      if ((patch.ssl ?? undefined) !== (storedSsl ?? undefined)) changed.push('ssl');
      if (patch.password === undefined && changed.length > 0) {
        throw badRequest(
          `The ${side} password must be entered again when the ${side} address or account changes (${changed.join(', ')} changed). Enter the password of the ${side} database account.`,
          `${side}.password`,
        );
      }
      const { passwordEnc, ...rest } = endpointData({ ...patch, password: patch.password ?? '' });
      await tx.endpoint.update({ where: { id: stored.id }, data: patch.password === undefined ? rest : { ...rest, passwordEnc } });
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
