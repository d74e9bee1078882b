// Everything a runner needs about one task, loaded from the metadata database.
import { db } from '../db';
import { SecretKeyError } from '../crypto';
import { AppError } from '../errors';
import { getEngine } from '../engines/registry';
import { refuseMetadataDatabase } from '../metadata-guard';
import { NonRetryableError } from '../engines/shared/errors';
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
  const [source, target] = configOrFail(() => [endpointToConnection(task.source, 'source'), endpointToConnection(task.dest, 'destination')]);
  const sourceEngine = await getEngine(source.engine);
  const targetEngine = await getEngine(target.engine);
  await refuseMetadataDatabase(sourceEngine, source, 'source').catch(toNonRetryable);
  await refuseMetadataDatabase(targetEngine, target, 'destination').catch(toNonRetryable);
  return {
    task,
    source,
    target,
    sourceEngine,
    targetEngine,
    selection: objectSelection.parse(task.objects),
    settings: taskSettings.parse(task.settings),
  };
}

/** an endpoint DTS refuses to connect to (a socket path stored before the check): no retry cures it */
function configOrFail<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    return toNonRetryable(e);
  }
}

function toNonRetryable(e: unknown): never {
  // a wrong DTS_SECRET_KEY is this process's fault, cured by a restart with the right key: retried
  if (e instanceof AppError && !(e instanceof SecretKeyError)) throw new NonRetryableError(`${e.message} Configure the task with another endpoint, or create it again.`);
  throw e;
}
