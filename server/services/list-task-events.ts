// Task events, paged by id: `afterId` for new events (oldest first, for following a log),
// otherwise the newest first, before `beforeId` when given.
import { z } from 'zod';
import { db } from '../db';
import { notFound } from '../errors';
import { toEventView, type EventView } from './task-view';

export const listEventsInput = z.object({
  taskId: z.string().min(1).max(64),
  afterId: z.number().int().min(0).optional(),
  beforeId: z.number().int().min(1).optional(),
  level: z.enum(['info', 'warn', 'error']).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type ListEventsInput = z.input<typeof listEventsInput>;

export async function listTaskEvents(input: ListEventsInput): Promise<{ items: EventView[]; lastId: number | null }> {
  const q = listEventsInput.parse(input);
  const exists = await db().task.count({ where: { id: q.taskId } });
  if (!exists) throw notFound(`Task ${q.taskId}`);
  const after = q.afterId !== undefined;
  const rows = await db().taskEvent.findMany({
    where: {
      taskId: q.taskId,
      ...(q.level ? { level: q.level } : {}),
      ...(after ? { id: { gt: BigInt(q.afterId ?? 0) } } : q.beforeId !== undefined ? { id: { lt: BigInt(q.beforeId) } } : {}),
    },
    orderBy: { id: after ? 'asc' : 'desc' },
    take: q.limit,
  });
  const items = rows.map(toEventView);
  return { items, lastId: items.length ? items[items.length - 1].id : null };
}
