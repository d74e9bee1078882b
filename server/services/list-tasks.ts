// The task list: newest first, optionally filtered by status or a name/id search, paged by
// cursor (the last id of the previous page).
import { z } from 'zod';
import { db } from '../db';
import { ownedTasks } from './task-liveness';
import type { MetricSample, Prisma } from '../generated/prisma/client';
import { toTaskSummaryView, type TaskSummaryView } from './task-view';

export const listTasksInput = z.object({
  status: z.string().max(64).optional(),
  search: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().max(64).optional(),
});
export type ListTasksInput = z.input<typeof listTasksInput>;

export async function latestMetrics(taskIds: string[]): Promise<Map<string, MetricSample>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db().$queryRaw<MetricSample[]>`
    SELECT DISTINCT ON ("taskId") * FROM "MetricSample" WHERE "taskId" = ANY(${taskIds}) ORDER BY "taskId", at DESC, id DESC`;
  return new Map(rows.map((r) => [r.taskId, r]));
}

const PEER = { id: true, status: true, desiredState: true } as const;

async function latestPrecheckStates(taskIds: string[]): Promise<Map<string, string>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db().$queryRaw<Array<{ taskId: string; state: string }>>`
    SELECT DISTINCT ON ("taskId") "taskId", state FROM "PrecheckRun" WHERE "taskId" = ANY(${taskIds}) ORDER BY "taskId", id DESC`;
  return new Map(rows.map((r) => [r.taskId, r.state]));
}

/** initial-sync progress per task, summed in the database (a task may have 5,000 tables); the same sums as progressOf (tableEstimate) */
async function initialSyncProgress(taskIds: string[]): Promise<Map<string, NonNullable<TaskSummaryView['progress']>>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db().$queryRaw<Array<{ taskId: string; rowsDone: bigint; rowsEstimated: bigint; tables: bigint; tablesDone: bigint }>>`
    SELECT "taskId", sum("rowsDone")::int8 AS "rowsDone", sum(CASE WHEN phase = 'done' THEN "rowsDone" ELSE greatest("rowsEstimated", "rowsDone") END)::int8 AS "rowsEstimated",
           count(*) AS tables, count(*) FILTER (WHERE phase = 'done') AS "tablesDone"
      FROM "TableProgress" WHERE "taskId" = ANY(${taskIds}) GROUP BY "taskId"`;
  return new Map(rows.map((r) => [r.taskId, { rowsDone: Number(r.rowsDone), rowsEstimated: Number(r.rowsEstimated), tables: Number(r.tables), tablesDone: Number(r.tablesDone) }]));
}

export async function listTasks(input: ListTasksInput = {}): Promise<{ items: TaskSummaryView[]; nextCursor: string | null }> {
  const q = listTasksInput.parse(input);
  const where: Prisma.TaskWhereInput = {
    ...(q.status ? { status: q.status } : {}),
    ...(q.search ? { OR: [{ name: { contains: q.search, mode: 'insensitive' } }, { id: { contains: q.search.toLowerCase() } }] } : {}),
  };
  const tasks = await db().task.findMany({
    where,
    include: { source: true, dest: true, peer: { select: PEER }, peerOf: { select: PEER } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
  });
  const page = tasks.slice(0, q.limit);
  const ids = page.map((t) => t.id);
  const [metrics, prechecks, progress, owned] = await Promise.all([latestMetrics(ids), latestPrecheckStates(ids), initialSyncProgress(ids), ownedTasks(ids)]);
  return {
    items: page.map((t) =>
      toTaskSummaryView(t, { latest: metrics.get(t.id) ?? null, precheckState: prechecks.get(t.id) ?? null, progress: progress.get(t.id) ?? null, owned: owned.has(t.id) }),
    ),
    nextCursor: tasks.length > q.limit ? page[page.length - 1].id : null,
  };
}
