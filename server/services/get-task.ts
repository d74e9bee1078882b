// One task with everything the detail page shows: endpoints (no passwords), per-table
// progress, the latest precheck run with its items, the latest metric sample, recent events.
import { db } from '../db';
import { notFound } from '../errors';
import { toTaskDetailView, type TaskDetailView } from './task-view';

export const RECENT_EVENTS = 20;

export async function getTask(id: string): Promise<TaskDetailView> {
  const task = await db().task.findUnique({
    where: { id },
    include: { source: true, dest: true, tables: { orderBy: [{ sourceSchema: 'asc' }, { sourceTable: 'asc' }] } },
  });
  if (!task) throw notFound(`Task ${id}`);
  const [precheck, latest, events] = await Promise.all([
    db().precheckRun.findFirst({ where: { taskId: id }, orderBy: { id: 'desc' }, include: { items: { orderBy: { id: 'asc' } } } }),
    db().metricSample.findFirst({ where: { taskId: id }, orderBy: { at: 'desc' } }),
    db().taskEvent.findMany({ where: { taskId: id }, orderBy: { id: 'desc' }, take: RECENT_EVENTS }),
  ]);
  return toTaskDetailView(task, { latest, precheck, events });
}
