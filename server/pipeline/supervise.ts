// Keeps one task running: on an error the task is Retrying, for up to "Retry Time for Failed
// Connections" when a database cannot be reached, or up to the other-issues window otherwise.
// Past the window the task is Failed, with the cause shown.
import { db } from '../db';
import type { EngineModule } from '../engines/types';
import { NonRetryableError } from '../engines/shared/errors';
import { TaskStatus } from '../task-status';
import { loadTaskContext } from './task-context';
import { runTask } from './task-runner';
import { nextBackoff, retryVerdict, type RetryWindows } from './retry-policy';
import { abortableSleep } from './throttle';
import { recordEvent, setStatus } from './task-log';

export interface SuperviseOptions {
  taskId: string;
  signal: AbortSignal;
  log: (msg: string) => void;
}

function describe(e: unknown): string {
  const err = e as { message?: string; code?: string };
  return err?.message ? `${err.message}${err.code ? ` (${err.code})` : ''}` : String(e);
}

async function classify(taskId: string, e: unknown): Promise<'connection' | 'other'> {
  try {
    const ctx = await loadTaskContext(taskId);
    const engines: EngineModule[] = [ctx.sourceEngine, ctx.targetEngine];
    return engines.some((x) => x.classifyError(e) === 'connection') ? 'connection' : 'other';
  } catch {
    return 'other';
  }
}

/** the task is Failed with its cause; it stays stopped until an operator starts it again */
async function fail(taskId: string, reason: string): Promise<'failed'> {
  await setStatus(taskId, TaskStatus.Failed, reason);
  await db().task.update({ where: { id: taskId }, data: { desiredState: 'Stopped', retryingSince: null, retryKind: null } });
  await recordEvent(taskId, 'error', `Task failed: ${reason}`);
  return 'failed';
}

/** Runs the task until it finishes, is stopped through `signal`, or fails for good. */
export async function superviseTask(o: SuperviseOptions): Promise<'finished' | 'stopped' | 'failed'> {
  let backoff: number | null = null;
  let lastCause: string | null = null;
  let retrying: { since: Date; kind: 'connection' | 'other' } | null = null;
  const existing = await db().task.findUnique({ where: { id: o.taskId } });
  if (existing?.retryingSince && existing.retryKind) retrying = { since: existing.retryingSince, kind: existing.retryKind as 'connection' | 'other' };

  const progress = () => {
    if (!retrying) return;
    retrying = null;
    backoff = null;
    lastCause = null;
    void db().task.update({ where: { id: o.taskId }, data: { retryingSince: null, retryKind: null } }).catch(() => undefined);
  };

  while (!o.signal.aborted) {
    try {
      const r = await runTask(o.taskId, o.signal, { progress });
      if (r === 'finished') {
        await setStatus(o.taskId, TaskStatus.Finished);
        await db().task.update({ where: { id: o.taskId }, data: { desiredState: 'Ended', retryingSince: null, retryKind: null } });
        await recordEvent(o.taskId, 'info', 'Task finished');
      }
      return r;
    } catch (e) {
      if (o.signal.aborted) return 'stopped';
      if (e instanceof NonRetryableError) {
        // a conflict under TaskFailed, or changes lost on the source: no retry can cure it
        return fail(o.taskId, e.message);
      }
      const kind = await classify(o.taskId, e);
      const task = await db().task.findUnique({ where: { id: o.taskId } });
      if (!task) return 'stopped';
      // the outage began before this process saw it (another replicator retried before)
      if (retrying && task.retryingSince && task.retryingSince < retrying.since) retrying.since = task.retryingSince;
      // the window runs from the first error of this outage, even when the kind of error changes
      if (!retrying || retrying.kind !== kind) {
        retrying = { since: retrying?.since ?? new Date(), kind };
        await db().task.update({ where: { id: o.taskId }, data: { retryingSince: retrying.since, retryKind: kind } });
      }
      const verdict = retryVerdict(kind, retrying.since, new Date(), task.settings as RetryWindows);
      const cause = describe(e);
      o.log(`task ${o.taskId}: ${kind} error: ${cause}`);
      if (process.env.DTS_LOG_LEVEL === 'debug') o.log(String((e as Error)?.stack));
      if (verdict.failed) {
        const reason = `${cause}. Retried for ${Math.round(verdict.elapsedMinutes)} min: ${verdict.settingName} is ${verdict.windowMinutes} min.`;
        return fail(o.taskId, reason);
      }
      await setStatus(o.taskId, TaskStatus.Retrying, kind === 'connection' ? `Cannot connect: ${cause}` : cause);
      // one event per distinct cause, not one per attempt
      if (cause !== lastCause) await recordEvent(o.taskId, 'warn', `Retrying (${kind === 'connection' ? 'connection' : 'other issue'}): ${cause}`);
      lastCause = cause;
      backoff = nextBackoff(backoff);
      await abortableSleep(backoff, o.signal);
    }
  }
  return 'stopped';
}
