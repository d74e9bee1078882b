// Failover, switch back and planned switchover as one procedure each (seed 000's procedures),
// with a readiness report first (pair-readiness.ts) and every step stored and reported as it is
// done (pair-procedure.ts): a procedure that stops midway is continued, not started over. The
// steps use the same services an operator would (pause, start), wait for the replicator to
// carry each one out, and move the synchronized sequences on the side taking over writes.
import { db } from '../db';
import { precondition } from '../errors';
import { TaskStatus } from '../task-status';
import { endTask } from './end-task';
import { endpointToConnection } from './endpoint-config';
import { engineFor } from './engines';
import { dismissProcedure as dismissStored, openProcedure, runProcedure, type ActionStep, type OpenProcedure, type PairAction, type ProcedurePlan, type StepDef } from './pair-procedure';
import { fenceRefusal, pairOf, planSequences, productionOf, readiness, type Readiness, type StoppedProcedure } from './pair-readiness';
import { pauseTask } from './pause-task';
import { startTask } from './start-task';

export { readiness } from './pair-readiness';
export type { PairAction } from './pair-procedure';
export type { Readiness, SequenceMove, StoppedProcedure, TaskBrief } from './pair-readiness';

export interface ActionReport {
  readiness: Readiness;
  /** every step done, the ones of earlier runs of a continued procedure first */
  steps: ActionStep[];
}

const WAIT_MS = Number(process.env.DTS_ACTION_WAIT_MS ?? 120_000);

async function waitStatus(id: string, wanted: string[], what: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const t = await db().task.findUnique({ where: { id }, select: { status: true } });
    if (t && wanted.includes(t.status)) return t.status;
    if (Date.now() > deadline) throw precondition(`Timed out waiting for ${what} (task ${id} is ${t?.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** waits until the task's latency, from its heartbeat, is about zero */
async function waitNoLatency(id: string, what: string): Promise<number> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const m = await db().metricSample.findFirst({ where: { taskId: id, at: { gt: new Date(Date.now() - 15_000) } }, orderBy: { id: 'desc' } });
    if (m?.latencyMs !== null && m?.latencyMs !== undefined && m.latencyMs < 2_000) return m.latencyMs;
    if (Date.now() > deadline) throw precondition(`Timed out waiting for ${what} to have no latency`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function moveSequences(reverse: string, side: 'dr' | 'production'): Promise<string> {
  const { moves, warnings, problems } = await planSequences(reverse, side);
  if (problems.length) throw precondition(problems.join('; '));
  const rev = await db().task.findUniqueOrThrow({ where: { id: reverse }, include: { source: true, dest: true } });
  const cfg = endpointToConnection(side === 'dr' ? rev.source : rev.dest, side === 'dr' ? 'source' : 'destination');
  const engine = await engineFor(cfg.engine);
  await engine.sequences.setNext(cfg, moves.map((m) => ({ table: m.table, column: m.column, next: m.next })));
  const described = moves.map((m) => `${m.table.schema}.${m.table.name}.${m.column} next ${m.next} (${m.basis})`);
  return [...(described.length ? described : ['no synchronized sequence']), ...warnings].join('; ');
}

/** pauses a task unless it is paused already (the operator may have paused it, or an earlier run of the step) */
async function pauseAndWait(id: string, what: string): Promise<string> {
  const t = await db().task.findUniqueOrThrow({ where: { id }, select: { desiredState: true } });
  if (t.desiredState === 'Running') await pauseTask(id);
  return `${id} is ${await waitStatus(id, [TaskStatus.Paused, TaskStatus.Failed, TaskStatus.NotStarted], what)}`;
}

/** starts a task unless it is started already (by an earlier run of the step) */
async function startUnlessStarted(id: string): Promise<void> {
  const t = await db().task.findUniqueOrThrow({ where: { id }, select: { desiredState: true } });
  if (t.desiredState !== 'Running') await startTask(id);
}

/** starts a task unless it is started already, and waits until it runs */
async function startAndWait(id: string, what: string): Promise<string> {
  await startUnlessStarted(id);
  return `${id} is ${await waitStatus(id, [TaskStatus.Running, TaskStatus.Retrying], what)}`;
}

/** the changes a task has applied in all, as of its last metric sample */
async function appliedRows(id: string): Promise<bigint> {
  const m = await db().metricSample.findFirst({ where: { taskId: id }, orderBy: { id: 'desc' }, select: { rowsApplied: true } });
  return m?.rowsApplied ?? 0n;
}

/**
 * Waits until the task has applied through the source position `wanted` (its heartbeat moves the
 * applied position on while nothing else changes), and returns the changes it had applied then.
 * The replicator stores the position and the count together every few seconds (metrics.ts).
 */
async function waitAppliedThrough(id: string, wanted: string, reached: (a: string, b: string) => boolean): Promise<bigint> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const t = await db().task.findUniqueOrThrow({ where: { id }, select: { checkpoint: true, status: true } });
    if (t.checkpoint && reached(t.checkpoint, wanted)) return appliedRows(id);
    if (t.status !== TaskStatus.Running) throw precondition(`The forward task ${id} is ${t.status}: it must run to apply the source's changes through position ${wanted}`);
    if (Date.now() > deadline) throw precondition(`Timed out waiting for the forward task ${id} to apply through source position ${wanted} (it applied through ${t.checkpoint ?? 'nothing yet'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** how long the switchover watches the fenced source for changes that still arrive */
const QUIET_MS = Number(process.env.DTS_FENCE_QUIET_MS ?? 3_000);

function arrived(n: bigint, when: string): string {
  return `${n} change${n === 1n ? '' : 's'} arrived on the source after the write fence (${when}): an application still writes, for example through a session that sets default_transaction_read_only off, or an account that may write to a read_only server. Stop it, then start the switchover again`;
}

/**
 * Runs a procedure: a new one after the readiness report lets it, or the pair's stopped one of
 * the same action (Continue), from the steps it has not done.
 */
async function run<C extends Record<string, unknown>>(id: string, action: PairAction, build: (r: Readiness, fwd: string, rev: string) => Promise<ProcedurePlan<C>>, resume: OpenProcedure | null): Promise<ActionReport> {
  const r = await readiness(id, action);
  if (r.blockers.length) throw precondition(r.blockers.join('; '));
  // the same action stopped midway: it is continued, not run a second time
  if (r.stopped && !resume) throw precondition(`${r.stopped.summary}; continue it (Continue, or dts task continue ${id}) or dismiss it (dts task dismiss-procedure ${id}) first`);
  const plan = await build(r, r.forward.id, r.reverse.id);
  const steps = await runProcedure(plan, resume);
  return { readiness: r, steps };
}

/** Disaster recovery failover: pause the forward task, move sequences on the DR side, start the reverse task. */
function failoverPlan(forwardId: string, reverseId: string): ProcedurePlan<Record<string, unknown>> {
  return {
    action: 'failover',
    forwardId,
    reverseId,
    context: {},
    steps: [
      { name: 'Pause the forward task', run: () => pauseAndWait(forwardId, 'the forward task to pause') },
      { name: 'Move sequences', run: () => moveSequences(reverseId, 'dr') },
      {
        name: 'Start the reverse task',
        run: async () => {
          await startUnlessStarted(reverseId);
          return `${reverseId} started; it writes to production once production can be reached`;
        },
      },
    ],
  };
}

/** Switch back: wait for no latency on the reverse task, pause it, move sequences on production, start the forward task, lift the write fence. */
function switchBackPlan(forwardId: string, reverseId: string): ProcedurePlan<Record<string, unknown>> {
  return {
    action: 'switchBack',
    forwardId,
    reverseId,
    context: {},
    steps: [
      { name: 'Wait until the reverse task has no latency', run: async () => `${await waitNoLatency(reverseId, 'the reverse task')} ms` },
      { name: 'Pause the reverse task', run: () => pauseAndWait(reverseId, 'the reverse task to pause') },
      { name: 'Move sequences', run: () => moveSequences(reverseId, 'production') },
      { name: 'Start the forward task', run: () => startAndWait(forwardId, 'the forward task to start') },
      {
        // the fence a switchover raised on production: applications write there again
        name: 'Lift the write fence',
        run: async () => {
          const prod = await productionOf(forwardId);
          return prod.engine.fence ? prod.engine.fence.lift(prod.cfg) : `a ${prod.cfg.engine} source has no write fence`;
        },
      },
    ],
  };
}

interface SwitchoverContext extends Record<string, unknown> {
  endForward: boolean;
  /** who raised the fence: 'dts' lifts it when the switchover refuses */
  fencedBy?: 'dts' | 'operator' | null;
  /** the changes the forward task had applied at the fence */
  before?: string;
  /** the switchover paused the forward task */
  paused?: boolean;
}

/**
 * Planned switchover. The operator confirms that writes have stopped; DTS then makes sure of it:
 * it fences the source against application writes (or says what to run where its account may
 * not), waits until the forward task has applied through the source's position at the fence,
 * and watches for changes that still arrive. These steps are a gate: if changes arrive after the
 * fence, the switchover refuses, says how many, starts the forward task again if it paused it,
 * and lifts the fence it raised: nothing is lost and the state is as before. Only after the
 * gate does it move sequences on the DR side and start the reverse task; a failure there stops
 * the procedure, and Continue (which checks that the fence still holds) completes it. Switch
 * back lifts the fence.
 */
async function switchoverPlan(forwardId: string, reverseId: string, endForward: boolean): Promise<ProcedurePlan<SwitchoverContext>> {
  const prod = await productionOf(forwardId);
  const fence = prod.engine.fence;
  if (!fence) throw precondition(`A ${prod.cfg.engine} source has no write fence, so a switchover cannot make sure that no write is lost`);
  const steps: StepDef<SwitchoverContext>[] = [
    { name: 'Writes stopped', gate: true, run: async () => 'confirmed by the operator' },
    {
      name: 'Fence the source against writes',
      gate: true,
      run: async (ctx) => {
        const raised = await fence.raise(prod.cfg);
        if (!raised.raised) {
          throw precondition(fenceRefusal(raised.problem ?? 'unknown reason', raised.manual));
        }
        // a gate run again keeps who raised it first
        ctx.fencedBy = ctx.fencedBy === 'dts' ? 'dts' : raised.by;
        return raised.done.join('; ');
      },
    },
    {
      name: 'Wait until the forward task has applied through the source position',
      gate: true,
      run: async (ctx) => {
        const fencedAt = await fence.position(prod.cfg);
        ctx.before = (await waitAppliedThrough(forwardId, fencedAt, fence.reached)).toString();
        return `${forwardId} applied through ${fencedAt}`;
      },
    },
    {
      name: 'Check that no change arrives after the fence',
      gate: true,
      run: async (ctx) => {
        await new Promise((res) => setTimeout(res, QUIET_MS));
        const quietAt = await fence.position(prod.cfg);
        const quiet = await waitAppliedThrough(forwardId, quietAt, fence.reached);
        const before = BigInt(ctx.before ?? '0');
        if (quiet > before) throw precondition(arrived(quiet - before, `in ${QUIET_MS / 1000} s`));
        return `none in ${QUIET_MS / 1000} s, through source position ${quietAt}`;
      },
    },
    {
      name: 'Pause the forward task',
      gate: true,
      run: async (ctx) => {
        // set first: a pause that times out is undone too
        ctx.paused = true;
        const paused = await pauseAndWait(forwardId, 'the forward task to pause');
        const last = await appliedRows(forwardId);
        const before = BigInt(ctx.before ?? '0');
        if (last > before) throw precondition(arrived(last - before, 'before the forward task paused'));
        return paused;
      },
    },
    { name: 'Move sequences', run: () => moveSequences(reverseId, 'dr') },
    { name: 'Start the reverse task', run: () => startAndWait(reverseId, 'the reverse task to start') },
  ];
  if (endForward) {
    steps.push({
      name: 'End the forward task',
      run: async () => {
        const t = await db().task.findUniqueOrThrow({ where: { id: forwardId }, select: { desiredState: true } });
        if (t.desiredState !== 'Ended' && t.desiredState !== 'Released') await endTask(forwardId);
        return `${forwardId} ends; release it to drop its slot on production`;
      },
    });
  }
  return {
    action: 'switchover',
    forwardId,
    reverseId,
    context: { endForward },
    steps,
    undo: async (ctx) => {
      const undone: string[] = [];
      if (ctx.paused) {
        await startAndWait(forwardId, 'the forward task to start again');
        ctx.paused = false;
        undone.push(`the forward task ${forwardId} is started again, so every change reaches the DR side`);
      }
      if (ctx.fencedBy === 'dts') {
        undone.push(`the fence is lifted: ${await fence.lift(prod.cfg)}`);
        ctx.fencedBy = null;
      }
      return undone;
    },
    // past the gate, the forward task is paused: a source written to since then would be overwritten
    beforeContinue: async () => {
      if (!(await fence.isRaised(prod.cfg))) {
        throw precondition(
          `The write fence on the source was lifted after the forward task paused: changes written to the source since then are not on the DR side yet, and the reverse task would overwrite them. Dismiss this switchover, start the forward task, and run the switchover again`,
        );
      }
    },
  };
}

export async function failover(id: string): Promise<ActionReport> {
  return run(id, 'failover', async (_r, f, v) => failoverPlan(f, v), null);
}

export async function switchBack(id: string): Promise<ActionReport> {
  return run(id, 'switchBack', async (_r, f, v) => switchBackPlan(f, v), null);
}

export async function switchover(id: string, opts: { writesStopped: boolean; endForward?: boolean }): Promise<ActionReport> {
  if (!opts.writesStopped) {
    throw precondition('Stop writing business data first, then confirm it (writesStopped): to prevent data loss, no new data may be written to the database during the switchover');
  }
  return run(id, 'switchover', async (_r, f, v) => switchoverPlan(f, v, opts.endForward === true), null);
}

/** Continue: the pair's stopped (or interrupted) procedure runs the steps it has not done */
export async function continueProcedure(id: string): Promise<ActionReport> {
  const { forward } = await pairOf(id);
  const open = await openProcedure(forward);
  if (!open || (open.state === 'Running' && !open.interrupted)) {
    throw precondition(open ? 'The procedure of this pair is running; wait until it ends' : 'No procedure of this pair is stopped: there is nothing to continue');
  }
  const build = async (_r: Readiness, f: string, v: string): Promise<ProcedurePlan<Record<string, unknown>>> => {
    if (open.action === 'failover') return failoverPlan(f, v);
    if (open.action === 'switchBack') return switchBackPlan(f, v);
    return (await switchoverPlan(f, v, open.context.endForward === true)) as unknown as ProcedurePlan<Record<string, unknown>>;
  };
  return run(id, open.action, build, open);
}

/** Dismiss: the pair's stopped procedure ends where it is; the tasks stay as they are */
export async function dismissProcedure(id: string): Promise<StoppedProcedure['action']> {
  const { forward, reverse } = await pairOf(id);
  return (await dismissStored(forward, reverse)).action;
}
