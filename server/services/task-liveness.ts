// What the list and the details say about a task whose replicator is not applying: a task whose
// replicator is gone says so, and its latency keeps growing from the last sample, as it does
// for a paused, retrying or failed task (the source goes on; nothing is applied).
import { db } from '../db';
import { TaskStatus } from '../task-status';
import { TASK_LOCK_CLASS } from '../task-ownership';

/** the tasks of `ids` that a replicator holds (its advisory lock on the metadata database) */
export async function ownedTasks(ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT t.id FROM unnest(${ids}::text[]) AS t(id)
     WHERE EXISTS (SELECT 1 FROM pg_locks l
                    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${TASK_LOCK_CLASS}::oid
                      AND l.objid = (hashtext(t.id)::bigint & 4294967295)::oid AND l.objsubid = 2)`;
  return new Set(rows.map((r) => r.id));
}

const APPLYING: string[] = [TaskStatus.Running, TaskStatus.InitialSync];
/** statuses a replicator must be behind (a task it runs) */
const RUN_BY_REPLICATOR: string[] = [TaskStatus.Running, TaskStatus.InitialSync, TaskStatus.Retrying];

export interface Liveness {
  /** the task should be run by a replicator and none holds it */
  unowned: boolean;
  /** the latency to show: the sample's, plus the time since it while nothing is applied */
  latencyMs: number | null;
}

/** pure: from the task's state, whether a replicator holds it, and its last sample */
export function liveness(
  t: { status: string; desiredState: string },
  owned: boolean,
  latest: { at: Date; latencyMs: number | null } | null,
  now = Date.now(),
): Liveness {
  const unowned = t.desiredState === 'Running' && RUN_BY_REPLICATOR.includes(t.status) && !owned;
  if (!latest || latest.latencyMs === null) return { unowned, latencyMs: null };
  const applying = APPLYING.includes(t.status) && !unowned;
  return { unowned, latencyMs: applying ? latest.latencyMs : latest.latencyMs + Math.max(0, now - latest.at.getTime()) };
}

export function unownedReason(latest: { at: Date } | null): string {
  const since = latest ? ` It last reported at ${latest.at.toISOString()}.` : '';
  return `No replicator is running this task: the process that ran it stopped or lost the metadata database.${since} Start the replicator (npm start) and it takes the task over; until then the latency grows.`;
}
