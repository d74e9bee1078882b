// The replicator: a long-running process that reconciles desired state into actual state.
// It owns a task while it holds the task's advisory lock on its metadata session; when the
// process dies, the session and its locks go, and another replicator takes the task over.
import { hostname } from 'node:os';
import { config } from '../config';
import { db } from '../db';
import { openMetaSession, type MetaSession } from '../engines/postgres/meta-session';
import { pruneMetrics } from '../pipeline/metrics';
import { superviseTask } from '../pipeline/supervise';
import { loadTaskContext } from '../pipeline/task-context';
import { originFor } from '../pipeline/task-runner';
import { recordEvent, setStatus, setStatusReason } from '../pipeline/task-log';
import { startRetainedProbe } from '../services/retained-probe';
import { TASK_CHANNEL, TaskStatus } from '../task-status';

interface Owned {
  abort: AbortController;
  done: Promise<void>;
}

export interface ReplicatorOptions {
  /** fallback poll when no notification arrives, ms */
  pollMs?: number;
  log?: (msg: string) => void;
  /** how often the WAL or binlog every unreleased task keeps on its source is measured, ms */
  retainedProbeMs?: number;
}

export interface Replicator {
  stop(): Promise<void>;
  readonly id: string;
}

export async function startReplicator(opts: ReplicatorOptions = {}): Promise<Replicator> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const id = `${hostname()}:${process.pid}`;
  const log = opts.log ?? ((m: string) => console.log(`[replicator ${id}] ${m}`));
  const owned = new Map<string, Owned>();
  let session: MetaSession | null = null;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let reconciling: Promise<void> = Promise.resolve();
  let again = false;
  /** settle attempts that failed (a database down at release): retried after a pause */
  const failedSettles = new Map<string, { at: number; message: string }>();
  const SETTLE_RETRY_MS = 30_000;

  const schedule = () => {
    if (stopping) return;
    if (again) return;
    again = true;
    reconciling = reconciling.then(async () => {
      again = false;
      try {
        await reconcile();
      } catch (e) {
        log(`reconcile failed: ${(e as Error).message}`);
      }
    });
  };

  async function connectSession(): Promise<void> {
    const s = await openMetaSession(url as string, TASK_CHANNEL);
    s.onNotify(() => schedule());
    s.onLost((e) => {
      // every lock is gone with the session: stop all runners before anyone else takes over
      log(`metadata session lost (${e.message}); stopping ${owned.size} task(s)`);
      session = null;
      for (const o of owned.values()) o.abort.abort();
      schedule();
    });
    session = s;
  }

  async function own(taskId: string): Promise<void> {
    const abort = new AbortController();
    const done = (async () => {
      try {
        await recordEvent(taskId, 'info', `Replicator ${id} took the task`);
        await superviseTask({ taskId, signal: abort.signal, log });
      } catch (e) {
        log(`task ${taskId} stopped with ${(e as Error).message}`);
      } finally {
        owned.delete(taskId);
        await session?.unlock(taskId).catch(() => undefined);
        schedule();
      }
    })();
    owned.set(taskId, { abort, done });
  }

  /** settles a task nobody runs: Paused, Ended (Finished) or Released */
  async function settle(taskId: string, desired: string): Promise<void> {
    if (desired === 'Released') {
      await release(taskId);
      return;
    }
    const status = desired === 'Paused' ? TaskStatus.Paused : TaskStatus.Finished;
    await setStatus(taskId, status);
    await recordEvent(taskId, 'info', desired === 'Paused' ? 'Task Paused' : 'Task ended');
  }

  async function release(taskId: string): Promise<void> {
    const ctx = await loadTaskContext(taskId);
    const dropped: string[] = [];
    try {
      if (ctx.sourceEngine.stream) dropped.push(...(await ctx.sourceEngine.stream.cleanup(ctx.source, { taskId })));
      dropped.push(...(await ctx.targetEngine.writer.cleanup(ctx.target, { taskId, originName: originFor(taskId) })));
    } catch (e) {
      // a task that never ran created nothing on the databases: release it even when they
      // cannot be reached (a wrong host typed in), instead of retrying for ever
      if (!(await neverRan(taskId))) throw e;
      log(`released ${taskId} without cleanup: it never ran, and the databases cannot be reached (${(e as Error).message})`);
    }
    log(`released ${taskId}: dropped ${dropped.join(', ') || 'nothing'}`);
    await db().task.delete({ where: { id: taskId } });
  }

  /** never started, nothing copied, no position: no slot, publication, heartbeat or checkpoint exists */
  async function neverRan(taskId: string): Promise<boolean> {
    const t = await db().task.findUnique({ where: { id: taskId }, select: { status: true, topology: true, stage: true, checkpoint: true, startedAt: true, _count: { select: { tables: true } } } });
    if (!t) return false;
    const notStarted = t.status === TaskStatus.NotStarted || t.status === TaskStatus.PrecheckFailed;
    // a reverse task's precheck creates its capture on the source: it must be cleaned up
    return notStarted && t.topology !== 'Reverse' && t.stage === 'schema' && t.checkpoint === null && t.startedAt === null && t._count.tables === 0;
  }

  async function reconcile(): Promise<void> {
    if (stopping) return;
    if (!session) {
      try {
        await connectSession();
      } catch (e) {
        log(`cannot open the metadata session: ${(e as Error).message}`);
        return;
      }
    }
    const s = session as MetaSession;
    // stop what should not run any more
    const mine = owned.size ? await db().task.findMany({ where: { id: { in: [...owned.keys()] } }, select: { id: true, desiredState: true } }) : [];
    const gone = new Set(owned.keys());
    for (const t of mine) {
      gone.delete(t.id);
      if (t.desiredState !== 'Running') owned.get(t.id)?.abort.abort();
    }
    for (const taskId of gone) owned.get(taskId)?.abort.abort();

    const tasks = await db().task.findMany({
      where: {
        OR: [
          { desiredState: 'Running' },
          { desiredState: 'Paused', status: { not: TaskStatus.Paused } },
          { desiredState: 'Ended', status: { not: TaskStatus.Finished } },
          { desiredState: 'Released' },
        ],
      },
      select: { id: true, desiredState: true },
      orderBy: { createdAt: 'asc' },
    });
    for (const t of tasks) {
      if (stopping) return;
      if (owned.has(t.id)) continue;
      const failed = failedSettles.get(t.id);
      if (t.desiredState !== 'Running' && failed && Date.now() - failed.at < SETTLE_RETRY_MS) continue;
      if (!(await s.tryLock(t.id))) continue; // another replicator has it
      if (t.desiredState === 'Running') {
        await own(t.id);
        continue;
      }
      try {
        await settle(t.id, t.desiredState);
        failedSettles.delete(t.id);
      } catch (e) {
        const message = `${t.desiredState === 'Released' ? 'Release' : 'Stop'} failed: ${(e as Error).message}`;
        log(`task ${t.id}: ${message}`);
        // one event per distinct failure, and the cause on the task, not one every poll
        if (failedSettles.get(t.id)?.message !== message) {
          await recordEvent(t.id, 'error', `${message}. Retrying every ${SETTLE_RETRY_MS / 1000} s.`).catch(() => undefined);
          await setStatusReason(t.id, message).catch(() => undefined);
        }
        failedSettles.set(t.id, { at: Date.now(), message });
      } finally {
        await s.unlock(t.id).catch(() => undefined);
      }
    }
  }

  // pause, end and release of a running task: its runner stops first, then the task settles
  // Not unref'd: while the metadata database is down no socket is open, and this timer is what
  // keeps the process alive to reconnect (an unref'd one let it exit quietly with status 0).
  const settleAfterStop = setInterval(schedule, opts.pollMs ?? 2_000);
  timer = setInterval(() => void pruneMetrics(config.metricsRetentionHours).catch(() => undefined), 3_600_000);
  timer.unref();
  await connectSession();
  schedule();
  // Paused, Ended and Failed tasks too, which no replicator holds (services/retained-probe.ts)
  const retained = startRetainedProbe({ everyMs: opts.retainedProbeMs, log });
  log('started');

  return {
    id,
    async stop() {
      stopping = true;
      clearInterval(settleAfterStop);
      if (timer) clearInterval(timer);
      await retained.stop();
      await reconciling;
      for (const o of owned.values()) o.abort.abort();
      await Promise.all([...owned.values()].map((o) => o.done));
      await session?.close();
      log('stopped');
    },
  };
}
