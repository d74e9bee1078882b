// Everything a runner needs about one task, loaded from the metadata database.
import { decryptSecret } from '../crypto';
import { db } from '../db';
import { getEngine } from '../engines/registry';
import type { ConnectionConfig, EngineModule, EngineName } from '../engines/types';
import { objectSelection, taskSettings, type ObjectSelection, type TaskSettings } from '../services/task-config';
import type { Endpoint, Task } from '../generated/prisma/client';

export interface TaskContext {
  task: Task;
  source: ConnectionConfig;
  target: ConnectionConfig;
  sourceEngine: EngineModule;
  targetEngine: EngineModule;
  selection: ObjectSelection;
  settings: TaskSettings;
}

export function endpointConfig(e: Endpoint): ConnectionConfig {
  const opts = (e.options ?? {}) as { ssl?: ConnectionConfig['ssl'] };
  return {
    engine: e.engine as EngineName,
    host: e.host,
    port: e.port,
    database: e.database,
    user: e.user,
    password: decryptSecret(e.passwordEnc),
    ssl: opts.ssl,
  };
}

export async function loadTaskContext(taskId: string): Promise<TaskContext> {
  const task = await db().task.findUniqueOrThrow({ where: { id: taskId }, include: { source: true, dest: true } });
  const source = endpointConfig(task.source);
  const target = endpointConfig(task.dest);
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
