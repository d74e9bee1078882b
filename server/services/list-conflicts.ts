// The conflicts a task recorded (two-way synchronization and reverse tasks), newest first,
// paged by id (`cursor`: the last id of the previous page), optionally of one kind.
import { z } from 'zod';
import { db } from '../db';
import { notFound } from '../errors';
import { conflictView, toConflictView, type ConflictView } from './task-view';
import { parseInput, rowId } from './validate';

export const listConflictsInput = z.object({
  limit: z.number().int().min(1).max(500).default(50),
  /** the id of the last conflict of the previous page */
  cursor: rowId.optional(),
  kind: conflictView.shape.kind.optional(),
});
export type ListConflictsInput = z.input<typeof listConflictsInput>;

export async function listConflicts(taskId: string, input: ListConflictsInput = {}): Promise<{ items: ConflictView[]; nextCursor: number | null }> {
  const q = parseInput(listConflictsInput, input);
  if (!(await db().task.count({ where: { id: taskId } }))) throw notFound(`Task ${taskId}`);
  const rows = await db().conflict.findMany({
    where: { taskId, ...(q.kind ? { kind: q.kind } : {}), ...(q.cursor !== undefined ? { id: { lt: q.cursor } } : {}) },
    orderBy: { id: 'desc' },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return { items: page.map(toConflictView), nextCursor: rows.length > q.limit ? page[page.length - 1].id : null };
}
