// Creates a task from a task definition: two endpoints (passwords encrypted) and the task,
// Not Started with desired state Stopped.
import { randomBytes } from 'node:crypto';
import { db } from '../db';
import { TaskStatus } from '../task-status';
import { withSavedPassword } from './connections';
import { endpointData } from './endpoint-config';
import { getTask } from './get-task';
import { assertRenameRules } from './rename-rules';
import { taskDefinition } from './task-config';
import type { TaskDetailView } from './task-view';
import { parseInput } from './validate';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** "dts" + 12 random lowercase base36 characters, e.g. "dtsq3h7c1x2k9a4b". */
export function newTaskId(): string {
  let out = 'dts';
  while (out.length < 15) {
    for (const b of randomBytes(16)) {
      if (b < 252 && out.length < 15) out += ALPHABET[b % 36];
    }
  }
  return out;
}

export async function createTask(definition: unknown): Promise<TaskDetailView> {
  const parsed = parseInput(taskDefinition, definition);
  assertRenameRules(parsed.objects);
  const def = { ...parsed, source: await withSavedPassword(parsed.source, 'source'), destination: await withSavedPassword(parsed.destination, 'destination') };
  const id = newTaskId();
  await db().$transaction(async (tx) => {
    const source = await tx.endpoint.create({ data: endpointData(def.source) });
    const dest = await tx.endpoint.create({ data: endpointData(def.destination) });
    await tx.task.create({
      data: {
        id,
        name: def.name,
        sourceId: source.id,
        destId: dest.id,
        syncSchema: def.syncTypes.schema,
        syncFull: def.syncTypes.full,
        syncIncremental: def.syncTypes.incremental,
        topology: def.topology,
        direction: 'Forward',
        objects: def.objects,
        settings: def.settings,
        status: TaskStatus.NotStarted,
        desiredState: 'Stopped',
      },
    });
  });
  return getTask(id);
}
