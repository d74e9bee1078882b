// Conflict handling for a task's incremental apply: two-way directions and reverse tasks detect
// conflicts and record each one; one-way tasks overwrite (the destination is theirs alone).
import { db } from '../db';
import type { ConflictHandling, ConflictPolicy, ConflictRecord } from '../engines/types';
import { Prisma } from '../generated/prisma/client';

export async function recordConflicts(taskId: string, policy: ConflictPolicy, list: ConflictRecord[]): Promise<void> {
  if (!list.length) return;
  // a change replayed after a crash meets the same conflict: the unique key keeps one record
  await db().conflict.createMany({
    skipDuplicates: true,
    data: list.map((c) => ({
      taskId,
      tableName: `${c.table.schema}.${c.table.name}`,
      keyText: JSON.stringify(c.key),
      kind: c.kind,
      op: c.op,
      policy,
      action: c.action,
      sourceImage: c.sourceImage ? (c.sourceImage as Prisma.InputJsonObject) : Prisma.DbNull,
      beforeImage: c.beforeImage ? (c.beforeImage as Prisma.InputJsonObject) : Prisma.DbNull,
      targetImage: c.targetImage ? (c.targetImage as Prisma.InputJsonObject) : Prisma.DbNull,
      position: c.position,
      sourceTime: c.commitTime,
    })),
  });
}

export function conflictHandling(task: { id: string; topology: string; replayUntil: string | null }, policy: ConflictPolicy): ConflictHandling | null {
  if (task.topology === 'OneWay') return null;
  return { policy, replayUntil: task.replayUntil, record: (list) => recordConflicts(task.id, policy, list) };
}
