// A failover, switch back or switchover as a procedure that survives a failure midway: every
// step done is stored as it is done (model PairProcedure), each step is an event of both tasks
// as it happens (the console shows the steps live), and a step that fails leaves the procedure
// Stopped with that step and its cause. Continue runs the steps not yet done; Dismiss leaves the
// tasks as they are. A procedure whose console process died is seen as interrupted (it is no
// longer touched) and can be continued the same way. Steps are written so that running one
// again after a failure is safe (pausing a paused task, moving sequences again).
import { db } from '../db';
import { conflict, precondition } from '../errors';
import { Prisma } from '../generated/prisma/client';

export type PairAction = 'failover' | 'switchBack' | 'switchover';

export interface ActionStep {
  step: string;
  detail: string;
  at: Date;
}

export const ACTION_TITLE: Record<PairAction, string> = { failover: 'failover', switchBack: 'switch back', switchover: 'switchover' };

/** a procedure that runs or waits to be continued */
export interface OpenProcedure {
  id: number;
  action: PairAction;
  state: 'Running' | 'Stopped';
  steps: ActionStep[];
  failedStep: string | null;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
  /** Running, but the process that ran it stopped touching it: it was interrupted */
  interrupted: boolean;
  context: Record<string, unknown>;
}

export interface StepDef<C> {
  name: string;
  /** runs the step; returns its detail for the report */
  run: (ctx: C) => Promise<string>;
  /**
   * part of a gate that passes as a whole or not at all (the switchover's fence and checks): a
   * failure in it runs the plan's undo, and Continue runs the gate again from its first step
   */
  gate?: boolean;
}

export interface ProcedurePlan<C extends Record<string, unknown>> {
  action: PairAction;
  forwardId: string;
  reverseId: string;
  steps: StepDef<C>[];
  /** the context of a new procedure; a continued one carries the stored context on */
  context: C;
  /** after a failure in a gate step: puts things back as they were and says what it did; throws when it cannot */
  undo?: (ctx: C) => Promise<string[]>;
  /** before the remaining steps of a continued procedure: throws when they may not run any more */
  beforeContinue?: (ctx: C, done: ActionStep[]) => Promise<void>;
}

const TOUCH_MS = 5_000;
/** a Running procedure not touched for this long was interrupted (its process stopped) */
const STALE_MS = Number(process.env.DTS_PROCEDURE_STALE_MS ?? 30_000);
const OPEN = ['Running', 'Stopped'];

type Row = Awaited<ReturnType<ReturnType<typeof db>['pairProcedure']['findFirst']>>;

function toOpen(p: NonNullable<Row>): OpenProcedure {
  const steps = (Array.isArray(p.steps) ? p.steps : []) as unknown as Array<{ step: string; detail: string; at: string }>;
  return {
    id: p.id,
    action: p.action as PairAction,
    state: p.state as 'Running' | 'Stopped',
    steps: steps.map((s) => ({ step: s.step, detail: s.detail, at: new Date(s.at) })),
    failedStep: p.failedStep,
    error: p.error,
    startedAt: p.startedAt,
    updatedAt: p.updatedAt,
    interrupted: p.state === 'Running' && Date.now() - p.updatedAt.getTime() > STALE_MS,
    context: p.context && typeof p.context === 'object' && !Array.isArray(p.context) ? (p.context as Record<string, unknown>) : {},
  };
}

/** the pair's procedure that runs or waits to be continued, or null */
export async function openProcedure(forwardId: string): Promise<OpenProcedure | null> {
  const p = await db().pairProcedure.findFirst({ where: { forwardId, state: { in: OPEN } }, orderBy: { id: 'desc' } });
  return p ? toOpen(p) : null;
}

/** one line on where an open procedure is, for blockers and messages */
export function describeOpen(p: OpenProcedure): string {
  const title = ACTION_TITLE[p.action];
  const done = p.steps.length ? ` after ${p.steps.map((s) => s.step).join(' → ')}` : ' before its first step';
  if (p.state === 'Running' && !p.interrupted) return `A ${title} of this pair is running (started ${p.startedAt.toISOString()})`;
  if (p.interrupted) return `A ${title} of this pair was interrupted${done} (the process that ran it stopped at ${p.updatedAt.toISOString()})`;
  return `A ${title} of this pair stopped at step "${p.failedStep ?? '?'}"${done}: ${p.error ?? 'no cause recorded'}`;
}

const serialize = (steps: ActionStep[]) => steps.map((s) => ({ step: s.step, detail: s.detail, at: s.at.toISOString() }));
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** writes an event to both tasks; the promise chain keeps their order */
function eventLog(ids: string[]) {
  let logged: Promise<unknown> = Promise.resolve();
  const log = (level: string, message: string) => {
    logged = logged.then(() => db().taskEvent.createMany({ data: ids.map((taskId) => ({ taskId, level, message })) })).catch(() => undefined);
  };
  return { log, flush: () => logged };
}

/** creates the procedure, or claims the stopped (or interrupted) one to continue it */
async function claim(plan: ProcedurePlan<Record<string, unknown>>, resume: OpenProcedure | null): Promise<number> {
  if (!resume) {
    try {
      const p = await db().pairProcedure.create({
        data: { forwardId: plan.forwardId, reverseId: plan.reverseId, action: plan.action, state: 'Running', context: plan.context as Prisma.InputJsonObject },
      });
      return p.id;
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
        const open = await openProcedure(plan.forwardId);
        throw conflict(open ? `${describeOpen(open)}; continue it or dismiss it first` : 'Another procedure of this pair has just started');
      }
      throw e;
    }
  }
  const claimed = await db().pairProcedure.updateMany({
    where: { id: resume.id, OR: [{ state: 'Stopped' }, { state: 'Running', updatedAt: { lt: new Date(Date.now() - STALE_MS) } }] },
    data: { state: 'Running', failedStep: null, error: null },
  });
  if (claimed.count !== 1) throw conflict(`The ${ACTION_TITLE[resume.action]} of this pair is being continued already`);
  return resume.id;
}

/**
 * Runs the plan's steps that are not done yet (all of them for a new procedure), storing each as
 * it is done. A failure stops the procedure with the step and its cause, as a precondition
 * error (never an internal one): the operator sees where it stopped and continues it.
 */
export async function runProcedure<C extends Record<string, unknown>>(plan: ProcedurePlan<C>, resume: OpenProcedure | null): Promise<ActionStep[]> {
  const title = ACTION_TITLE[plan.action];
  const id = await claim(plan as unknown as ProcedurePlan<Record<string, unknown>>, resume);
  const ctx = { ...plan.context, ...(resume?.context ?? {}) } as C;
  let steps: ActionStep[] = resume ? [...resume.steps] : [];
  // a gate passes as a whole: continued inside it, it runs again from its first step
  const gateNames = new Set(plan.steps.filter((s) => s.gate).map((s) => s.name));
  const inGate = resume && (gateNames.has(resume.failedStep ?? '') || (!resume.failedStep && steps.length < gateNames.size && steps.every((s) => gateNames.has(s.step))));
  if (inGate) steps = steps.filter((s) => !gateNames.has(s.step));
  const { log, flush } = eventLog([plan.forwardId, plan.reverseId]);
  const touch = setInterval(() => void db().pairProcedure.update({ where: { id }, data: { updatedAt: new Date() } }).catch(() => undefined), TOUCH_MS);
  touch.unref();
  const save = (data: Prisma.PairProcedureUpdateInput) => db().pairProcedure.update({ where: { id }, data: { ...data, context: ctx as Prisma.InputJsonObject } });
  let current = '';
  log('info', resume ? `${plan.action} continued` : `${plan.action} started`);
  try {
    if (resume && !inGate && plan.beforeContinue) {
      current = plan.steps.find((s) => !steps.some((d) => d.step === s.name))?.name ?? '';
      await plan.beforeContinue(ctx, steps);
    }
    for (const s of plan.steps) {
      if (steps.some((d) => d.step === s.name)) continue;
      current = s.name;
      const detail = await s.run(ctx);
      steps.push({ step: s.name, detail, at: new Date() });
      log('info', `${plan.action} step: ${s.name}: ${detail}`);
      await save({ steps: serialize(steps) });
    }
  } catch (e) {
    clearInterval(touch);
    let msg = messageOf(e);
    let state = 'Stopped';
    const step = plan.steps.find((s) => s.name === current);
    if (step?.gate && plan.undo) {
      try {
        const undone = await plan.undo(ctx);
        state = 'Refused';
        msg = `${msg}. The ${title} stopped before it changed anything${undone.length ? `: ${undone.join('; ')}` : ''}`;
      } catch (u) {
        msg = `${msg}. Putting things back failed too: ${messageOf(u)}`;
      }
    }
    if (state === 'Stopped') {
      const done = steps.length ? steps.map((d) => d.step).join(' → ') : 'no step';
      msg = `The ${title} stopped at step "${current}": ${msg}. Done: ${done}. Fix the cause, then continue it (Continue in the ${title} dialog, or dts task continue <id>); or dismiss it (dts task dismiss-procedure <id>) and put the tasks right by hand`;
    }
    await save({ state, failedStep: current || null, error: msg, steps: serialize(steps) }).catch(() => undefined);
    log('error', `${plan.action} stopped: ${msg}`);
    await flush();
    // a typed error with the cause, never an internal one
    throw precondition(msg);
  }
  clearInterval(touch);
  await save({ state: 'Completed', steps: serialize(steps) });
  log('info', `${plan.action}: ${steps.map((s) => s.step).join(' → ')}`);
  await flush();
  return steps;
}

/** Dismiss: the stopped procedure ends here; the tasks stay as they are */
export async function dismissProcedure(forwardId: string, reverseId: string): Promise<OpenProcedure> {
  const open = await openProcedure(forwardId);
  if (!open) throw precondition('No procedure of this pair is stopped: there is nothing to dismiss');
  if (open.state === 'Running' && !open.interrupted) throw precondition(`${describeOpen(open)}; wait until it ends`);
  const r = await db().pairProcedure.updateMany({ where: { id: open.id, state: open.state }, data: { state: 'Dismissed' } });
  if (r.count !== 1) throw conflict('The procedure changed meanwhile; look again');
  const { log, flush } = eventLog([forwardId, reverseId]);
  log('warn', `${open.action} dismissed: ${describeOpen(open)}. The tasks stay as they are: check each task's status and desired state`);
  await flush();
  return open;
}
