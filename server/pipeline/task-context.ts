// Everything a runner needs about one task, loaded from the metadata database.
import { db } from '../db';
import { getEngine } from '../engines/registry';
import type { ConnectionConfig, EngineModule } from '../engines/types';
import { endpointToConnection } from '../services/endpoint-config';
import { objectSelection, taskSettings, type ObjectSelection, type TaskSettings } from '../services/task-config';
import type { Task } from '../generated/prisma/client';

export interface TaskContext {
  task: Task;
  source: ConnectionConfig;
  target: ConnectionConfig;
  sourceEngine: EngineModule;
  targetEngine: EngineModule;
  selection: ObjectSelection;
  settings: TaskSettings;
}

export async function loadTaskContext(taskId: string): Promise<TaskContext> {
  const task = await db().task.findUniqueOrThrow({ where: { id: taskId }, include: { source: true, dest: true } });
  const source = endpointToConnection(task.source);
  const target = endpointToConnection(task.dest);
  return {
    task,
    source,
    target,
    sourceEngine: await getEngine(source.engine),
    targetEngine: await getEngine(target.engine),
    selection: objectSelection.parse(task.objects),
    settings: taskSettings.parse(task.settings),
  };
}
