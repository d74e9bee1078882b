// Reads a task under a row lock inside a transaction, so that a status check and the write
// that depends on it cannot interleave with another request or the replicator.
import { db } from '../db';
import { notFound } from '../errors';
import type { Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

export interface LockedTask {
  id: string;
  status: string;
  desiredState: 'Stopped' | 'Running' | 'Paused' | 'Ended' | 'Released';
}

/**
 * FOR NO KEY UPDATE, not FOR UPDATE: every row that references a task (its events, metric
 * samples, conflicts, precheck runs) takes FOR KEY SHARE on the task row when it is inserted,
 * and FOR UPDATE conflicts with that. A failover inserting the events of both tasks while it
 * locked one and then the other deadlocked (40P01); NO KEY UPDATE still serializes the status
 * checks and writes of requests and the replicator, which is what the lock is for.
 */
export async function lockTask(tx: Tx, id: string): Promise<LockedTask> {
  const rows = await tx.$queryRaw<LockedTask[]>`SELECT id, status, "desiredState"::text AS "desiredState" FROM "Task" WHERE id = ${id} FOR NO KEY UPDATE`;
  if (rows.length === 0) throw notFound(`Task ${id}`);
  return rows[0];
}

export function inTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction(fn, { timeout: 30_000 });
}
