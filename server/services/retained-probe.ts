// The WAL or binlog each task keeps on its source, measured periodically and stored on the task
// (retainedBytes, retainedAt, retainedWalStatus, retainedSafeBytes, retainedNote), so that the
// task list and details show it without opening a connection per task per request.
//
// Design:
// - Who measures: every replicator runs a sweep every RETAINED_PROBE_MS (startRetainedProbe, from
//   server/replicator/main.ts). A sweep covers every task that has not been released and may hold
//   something on its source (incremental synchronization, and it ran or has a capture: started,
//   a recorded position, or a reverse task whose precheck made its slot), whoever owns it: a
//   Paused, Ended (Finished) or Failed task is held by no replicator (task-ownership.ts: a
//   replicator locks only the tasks it runs or settles), and these are the ones whose WAL grows.
// - One connection and one query per source: the tasks are grouped by the server and account
//   their source endpoint reaches, and the engine's RetainedProbe (server/engines/*/retained.ts)
//   measures all of a group's tasks at once, on a connection it opens and closes itself.
// - Several replicators: a task measured less than half a period ago (by any replicator) is left
//   out of the sweep, so a second replicator adds no second round of connections.
// - Like every other use of an endpoint, a source that is the metadata database itself is refused
//   (metadata-guard.ts); the check is remembered per source for an hour, not repeated per sweep.
// - A source that cannot be reached keeps its last figure and time; the note says when and why
//   the last attempt failed. Release deletes the task, and with it the figure.
import { db } from '../db';
import { getEngine } from '../engines/registry';
import type { ConnectionConfig, EngineModule, RetainedFigure, RetainedTask } from '../engines/types';
import { refuseMetadataDatabase } from '../metadata-guard';
import { endpointToConnection } from './endpoint-config';

/** how often a replicator measures: the figures are at most about this old */
export const RETAINED_PROBE_MS = 60_000;
/** sources measured at the same time in one sweep */
const PARALLEL_SOURCES = 4;
/** a source that does not answer in this long is reported as such, not waited for */
const CONNECT_TIMEOUT_MS = 5_000;

/** how long a source found not to be the metadata database is not checked again */
const GUARD_TTL_MS = 3_600_000;
const guarded = new Map<string, number>();

interface Group {
  key: string;
  cfg: ConnectionConfig;
  tasks: RetainedTask[];
}

export interface SweepResult {
  sources: number;
  tasks: number;
  /** sources whose measurement failed (the note on their tasks says why) */
  failed: number;
}

const describe = (e: unknown): string => {
  const err = e as { message?: string; code?: string };
  return err?.message ? `${err.message}${err.code ? ` (${err.code})` : ''}` : String(e);
};

/** the tasks to measure, grouped by the server and account their source reaches */
async function groups(freshAfter: Date): Promise<{ groups: Group[]; broken: Array<{ id: string; message: string }> }> {
  const tasks = await db().task.findMany({
    where: {
      syncIncremental: true,
      OR: [{ startedAt: { not: null } }, { checkpoint: { not: null } }, { topology: 'Reverse' }],
      AND: [{ OR: [{ retainedAt: null }, { retainedAt: { lt: freshAfter } }] }],
    },
    select: { id: true, checkpoint: true, source: true },
    orderBy: { createdAt: 'asc' },
  });
  const byServer = new Map<string, Group>();
  const broken: Array<{ id: string; message: string }> = [];
  for (const t of tasks) {
    let cfg: ConnectionConfig;
    try {
      cfg = endpointToConnection(t.source, 'source', CONNECT_TIMEOUT_MS);
    } catch (e) {
      broken.push({ id: t.id, message: describe(e) });
      continue;
    }
    // in memory only: the same server, database, account and password share one connection
    const key = JSON.stringify([cfg.engine, cfg.host, cfg.port, cfg.database, cfg.user, cfg.password, cfg.ssl ?? null, cfg.sslRootCert ?? null]);
    const g = byServer.get(key) ?? { key, cfg, tasks: [] };
    g.tasks.push({ taskId: t.id, position: t.checkpoint });
    byServer.set(key, g);
  }
  return { groups: [...byServer.values()], broken };
}

const text = (n: number | null): string | null => (n === null ? null : String(Math.round(n)));

// Raw statements, not task.update: a measurement is not a change of the task, so updatedAt stays.
// retainedAt is the metadata server's clock, in UTC as Prisma stores DateTime. A task released
// meanwhile is simply not there any more.
async function store(figures: RetainedFigure[]): Promise<void> {
  if (!figures.length) return;
  const col = <T>(f: (x: RetainedFigure) => T) => figures.map(f);
  await db().$executeRaw`
    UPDATE "Task" t
       SET "retainedBytes" = f.bytes::int8, "retainedAt" = now() AT TIME ZONE 'UTC', "retainedWalStatus" = f.wal_status,
           "retainedSafeBytes" = f.safe_bytes::int8, "retainedNote" = f.note
      FROM unnest(${col((x) => x.taskId)}::text[], ${col((x) => text(x.bytes))}::text[], ${col((x) => x.walStatus)}::text[],
                  ${col((x) => text(x.safeBytes))}::text[], ${col((x) => x.note)}::text[]) AS f(id, bytes, wal_status, safe_bytes, note)
     WHERE t.id = f.id`;
}

async function storeFailure(ids: string[], message: string): Promise<void> {
  const note = `The last measurement, at ${new Date().toISOString()}, failed: ${message}`;
  await db().$executeRaw`UPDATE "Task" SET "retainedNote" = ${note} WHERE id = ANY(${ids}::text[])`;
}

/** refuses the metadata database; true when it checked now (not remembered from before) */
async function guard(engine: EngineModule, g: Group): Promise<boolean> {
  const checked = guarded.get(g.key);
  if (checked !== undefined && Date.now() - checked < GUARD_TTL_MS) return false;
  await refuseMetadataDatabase(engine, g.cfg, 'source');
  return true;
}

/** measures one source's tasks; false when it failed */
async function measureGroup(g: Group): Promise<boolean> {
  const ids = g.tasks.map((t) => t.taskId);
  try {
    const engine = await getEngine(g.cfg.engine);
    if (!engine.retained) return true; // an engine without a capture to measure
    const checkedNow = await guard(engine, g);
    const figures = await engine.retained.measure(g.cfg, g.tasks);
    // remembered only once the source answered (the guard lets an unreachable one pass)
    if (checkedNow) guarded.set(g.key, Date.now());
    await store(figures);
    return true;
  } catch (e) {
    await storeFailure(ids, describe(e)).catch(() => undefined);
    return false;
  }
}

/**
 * One sweep: measures every task that may hold WAL or binlog on its source and was not measured
 * in the last `freshMs`, one connection per source.
 */
export async function probeRetained(opts: { freshMs?: number } = {}): Promise<SweepResult> {
  const { groups: all, broken } = await groups(new Date(Date.now() - (opts.freshMs ?? RETAINED_PROBE_MS / 2)));
  for (const b of broken) await storeFailure([b.id], b.message).catch(() => undefined);
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const g = all[next++];
      if (!(await measureGroup(g))) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_SOURCES, all.length) }, worker));
  return { sources: all.length, tasks: all.reduce((n, g) => n + g.tasks.length, 0) + broken.length, failed };
}

/** runs a sweep now and every `everyMs` (never two at once) until stop() */
export function startRetainedProbe(opts: { everyMs?: number; log: (msg: string) => void }): { stop(): Promise<void> } {
  const everyMs = opts.everyMs ?? RETAINED_PROBE_MS;
  let running: Promise<void> | null = null;
  let stopped = false;
  const sweep = () => {
    if (running || stopped) return;
    running = probeRetained({ freshMs: everyMs / 2 })
      .then((r) => {
        if (r.failed) opts.log(`retained WAL/binlog: ${r.failed} of ${r.sources} source(s) could not be measured`);
      })
      .catch((e: unknown) => opts.log(`retained WAL/binlog probe failed: ${describe(e)}`))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  sweep();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
