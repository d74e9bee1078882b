// Tasks: create, configure, list, get, precheck, start, pause, end, release, createReverse,
// configureReverse (two-way), conflicts, and the failover actions.
import { z } from 'zod';
import { rowId } from '../../services/validate';
import { configureReverseDirection, reverseDirectionInput } from '../../services/configure-reverse-direction';
import { createReverseTask } from '../../services/create-reverse-task';
import { continueProcedure, dismissProcedure, failover, readiness, switchBack, switchover } from '../../services/failover';
import { createTask } from '../../services/create-task';
import { endTask } from '../../services/end-task';
import { getTask } from '../../services/get-task';
import { listConflicts, listConflictsInput } from '../../services/list-conflicts';
import { listTasks, listTasksInput } from '../../services/list-tasks';
import { pauseTask } from '../../services/pause-task';
import { releaseTask } from '../../services/release-task';
import { getPrecheckRun, ignorePrecheckWarnings, startPrecheck } from '../../services/run-precheck';
import { startTask } from '../../services/start-task';
import { taskDefinition } from '../../services/task-config';
import { conflictView, precheckRunView, taskDetailView, taskSummaryView } from '../../services/task-view';
import { taskUpdate, updateTask } from '../../services/update-task';
import { protectedProcedure, router } from '../trpc';

const taskId = z.object({ id: z.string().min(1).max(64) });
const taskBrief = z.object({ id: z.string(), status: z.string(), desiredState: z.string(), latencyMs: z.number().nullable() });
const pairAction = z.enum(['failover', 'switchBack', 'switchover']);
const actionStep = z.object({ step: z.string(), detail: z.string(), at: z.date() });
const readinessView = z.object({
  action: pairAction,
  stopped: z
    .object({
      action: pairAction,
      state: z.enum(['Running', 'Stopped', 'Interrupted']),
      steps: z.array(actionStep),
      failedStep: z.string().nullable(),
      error: z.string().nullable(),
      startedAt: z.date(),
      endForward: z.boolean(),
      summary: z.string(),
    })
    .nullable(),
  forward: taskBrief,
  reverse: taskBrief,
  sequences: z.array(z.object({ table: z.object({ schema: z.string(), name: z.string() }), column: z.string(), sequence: z.string().nullable(), next: z.string(), basis: z.string() })),
  conflictsLastHour: z.object({ forward: z.number(), reverse: z.number() }),
  warnings: z.array(z.string()),
  blockers: z.array(z.string()),
});
const actionReport = z.object({ readiness: readinessView, steps: z.array(actionStep) });
const desiredStateView = z.object({ id: z.string(), status: z.string(), desiredState: z.enum(['Stopped', 'Running', 'Paused', 'Ended', 'Released']) });

export const tasksRouter = router({
  create: protectedProcedure.input(taskDefinition).output(taskDetailView).mutation(({ input }) => createTask(input)),

  configure: protectedProcedure.input(taskUpdate).output(taskDetailView).mutation(({ input }) => updateTask(input)),

  list: protectedProcedure
    .input(listTasksInput.optional())
    .output(z.object({ items: z.array(taskSummaryView), nextCursor: z.string().nullable() }))
    .query(({ input }) => listTasks(input ?? {})),

  get: protectedProcedure.input(taskId).output(taskDetailView).query(({ input }) => getTask(input.id)),

  /** starts a precheck in the background and returns its run id at once */
  precheck: protectedProcedure
    .input(taskId.extend({ ignoreWarnings: z.boolean().default(false) }))
    .output(z.object({ runId: z.number() }))
    .mutation(async ({ input }) => {
      const { runId } = await startPrecheck(input.id, { ignoreWarnings: input.ignoreWarnings });
      return { runId };
    }),

  precheckRun: protectedProcedure
    .input(taskId.extend({ runId: rowId.optional() }))
    .output(precheckRunView)
    .query(({ input }) => getPrecheckRun(input.id, input.runId)),

  /** ignores warning items of the latest precheck (all of them, or those keys) */
  ignorePrecheckWarnings: protectedProcedure
    .input(taskId.extend({ keys: z.array(z.string().min(1).max(200)).max(200).optional() }))
    .output(precheckRunView)
    .mutation(({ input }) => ignorePrecheckWarnings(input.id, input.keys)),

  /** Create Reverse Task (seed 000): returns the reverse task, whose precheck has started */
  createReverse: protectedProcedure
    .input(taskId.extend({ conflictPolicy: z.enum(['TaskFailed', 'Ignore', 'Overwrite']).optional() }))
    .output(taskDetailView)
    .mutation(({ input }) => createReverseTask(input.id, { conflictPolicy: input.conflictPolicy })),

  /** two-way synchronization: configures the reverse direction of a Running forward direction (Not Started) */
  configureReverse: protectedProcedure
    .input(taskId.extend(reverseDirectionInput.shape))
    .output(taskDetailView)
    .mutation(({ input: { id, ...rest } }) => configureReverseDirection(id, rest)),

  /** conflicts the task recorded, newest first, paged by id */
  conflicts: protectedProcedure
    .input(taskId.extend(listConflictsInput.shape))
    .output(z.object({ items: z.array(conflictView), nextCursor: z.number().nullable() }))
    .query(({ input: { id, ...rest } }) => listConflicts(id, rest)),

  /** readiness report before failover, switch back or switchover: statuses, latencies, sequences */
  readiness: protectedProcedure
    .input(taskId.extend({ action: pairAction }))
    .output(readinessView)
    .query(({ input }) => readiness(input.id, input.action)),
  failover: protectedProcedure.input(taskId).output(actionReport).mutation(({ input }) => failover(input.id)),
  switchBack: protectedProcedure.input(taskId).output(actionReport).mutation(({ input }) => switchBack(input.id)),
  switchover: protectedProcedure
    .input(taskId.extend({ writesStopped: z.boolean(), endForward: z.boolean().default(false) }))
    .output(actionReport)
    .mutation(({ input }) => switchover(input.id, { writesStopped: input.writesStopped, endForward: input.endForward })),
  /** Continue: the pair's failover, switch back or switchover that stopped midway runs the steps it has not done */
  continueProcedure: protectedProcedure.input(taskId).output(actionReport).mutation(({ input }) => continueProcedure(input.id)),
  /** Dismiss: the pair's stopped procedure ends where it is; the tasks stay as they are */
  dismissProcedure: protectedProcedure
    .input(taskId)
    .output(z.object({ action: pairAction }))
    .mutation(async ({ input }) => ({ action: await dismissProcedure(input.id) })),

  start: protectedProcedure.input(taskId).output(desiredStateView).mutation(({ input }) => startTask(input.id)),
  pause: protectedProcedure.input(taskId).output(desiredStateView).mutation(({ input }) => pauseTask(input.id)),
  end: protectedProcedure.input(taskId).output(desiredStateView).mutation(({ input }) => endTask(input.id)),
  release: protectedProcedure.input(taskId).output(desiredStateView).mutation(({ input }) => releaseTask(input.id)),
});
