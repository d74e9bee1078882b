// One task with everything the detail page shows: endpoints (no passwords), per-table
// progress, the latest precheck run with its items, the latest metric sample, recent events,
// the conflict count, and for the forward direction of a two-way pair its reverse direction.
import { db } from '../db';
import { TaskStatus } from '../task-status';
import { notFound } from '../errors';
import { progressModules } from './progress-modules';
import { describeOpen, openProcedure } from './pair-procedure';
import { ownedTasks } from './task-liveness';
import { toTaskDetailView, type TaskDetailView } from './task-view';

export const RECENT_EVENTS = 20;

export async function getTask(id: string): Promise<TaskDetailView> {
  const task = await db().task.findUnique({
    where: { id },
    include: {
      source: true,
      dest: true,
      tables: { orderBy: [{ sourceSchema: 'asc' }, { sourceTable: 'asc' }] },
      peer: { select: { id: true, status: true, desiredState: true } },
      peerOf: { select: { id: true, status: true, desiredState: true } },
    },
  });
  if (!task) throw notFound(`Task ${id}`);
  // the pair's procedure is stored with the forward task
  const forwardId = task.topology === 'Reverse' ? (task.peer ?? task.peerOf)?.id : task.topology === 'TwoWay' ? undefined : id;
  const [precheck, latest, events, conflictCount, owned, open] = await Promise.all([
    db().precheckRun.findFirst({ where: { taskId: id }, orderBy: { id: 'desc' }, include: { items: { orderBy: { id: 'asc' } } } }),
    db().metricSample.findFirst({ where: { taskId: id }, orderBy: { at: 'desc' } }),
    db().taskEvent.findMany({ where: { taskId: id }, orderBy: { id: 'desc' }, take: RECENT_EVENTS }),
    db().conflict.count({ where: { taskId: id } }),
    ownedTasks([id]),
    forwardId ? openProcedure(forwardId) : null,
  ]);
  const procedure = open ? { action: open.action, state: open.interrupted ? ('Interrupted' as const) : open.state, summary: describeOpen(open) } : null;
  const forwardOfPair = task.topology === 'TwoWay' && task.direction === 'Forward';
  const pair = task.peer ?? task.peerOf;
  const reverseDirection = forwardOfPair && pair ? { id: pair.id, status: pair.status } : null;
  const modules = progressModules({
    status: task.status,
    stage: task.stage,
    syncTypes: { schema: task.syncSchema, full: task.syncFull, incremental: task.syncIncremental },
    tables: task.tables,
    collecting: task.desiredState === 'Stopped' && task.status === TaskStatus.InitialSync && task.syncIncremental,
    latest,
  });
  return toTaskDetailView(task, { latest, precheck, events, reverseDirection, conflictCount, modules, owned: owned.has(id), procedure });
}
