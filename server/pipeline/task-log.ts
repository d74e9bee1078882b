// What a runner writes back for the operator: status with reason, events, stage, checkpoint.
import { db } from '../db';
import type { TaskStatus } from '../task-status';

export type EventLevel = 'info' | 'warn' | 'error';

export async function recordEvent(taskId: string, level: EventLevel, message: string): Promise<void> {
  await db().taskEvent.create({ data: { taskId, level, message } });
}

export async function setStatus(taskId: string, status: TaskStatus, reason: string | null = null): Promise<void> {
  await db().task.update({ where: { id: taskId }, data: { status, statusReason: reason } });
}

/** explains the current status without changing it */
export async function setStatusReason(taskId: string, reason: string | null): Promise<void> {
  await db().task.update({ where: { id: taskId }, data: { statusReason: reason } });
}

export async function setStage(taskId: string, stage: 'schema' | 'full' | 'incremental' | 'done'): Promise<void> {
  await db().task.update({ where: { id: taskId }, data: { stage } });
}
