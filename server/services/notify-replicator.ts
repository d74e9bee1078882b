// Tells the replicators that a task's desired state or configuration changed. They LISTEN on
// TASK_CHANNEL and also poll slowly, so a lost notification only delays the reaction.
import { db } from '../db';
import { TASK_CHANNEL } from '../task-status';

export async function notifyReplicator(taskId: string): Promise<void> {
  await db().$executeRaw`SELECT pg_notify(${TASK_CHANNEL}, ${taskId})`;
}
