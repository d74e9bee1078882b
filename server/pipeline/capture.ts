// Starting a task's change capture before it is needed (incremental-only tasks, reverse tasks).
import { db } from '../db';
import type { ConnectionConfig, EngineModule, Position, TableMapping } from '../engines/types';

/**
 * Makes sure the capture exists on the source. When it is created now, the position it starts
 * at becomes the task's checkpoint until the first apply records one on the target: an engine
 * without a slot (MySQL) starts reading the binlog there.
 */
export async function prepareCapture(engine: EngineModule, source: ConnectionConfig, taskId: string, mappings: TableMapping[]): Promise<{ created: boolean; position: Position | null }> {
  const r = await engine.stream.prepare(source, { taskId, mappings });
  if (r.created && r.position) await db().task.updateMany({ where: { id: taskId, checkpoint: null }, data: { checkpoint: r.position } });
  return r;
}
