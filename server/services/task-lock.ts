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

export async function lockTask(tx: Tx, id: string): Promise<LockedTask> {
  const rows = await tx.$queryRaw<LockedTask[]>`SELECT id, status, "desiredState"::text AS "desiredState" FROM "Task" WHERE id = ${id} FOR UPDATE`;
  if (rows.length === 0) throw notFound(`Task ${id}`);
  return rows[0];
}

export function inTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction(fn, { timeout: 30_000 });
}
