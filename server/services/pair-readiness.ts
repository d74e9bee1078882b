// The readiness report of failover, switch back and switchover (seed 000): the two tasks, the
// sequences that will be moved, the conflicts of the last hour, and everything that would stop a
// later step, checked before the first one: the privilege to move each sequence on the side
// taking over writes, and for a switchover the privilege to fence the source. A procedure of
// the pair that stopped midway is part of the report: the same action continues it (and the
// checks are those of the steps not done yet); another action waits until it is continued or
// dismissed.
import { db } from '../db';
import { notFound, precondition } from '../errors';
import type { SequenceColumn, SequenceState } from '../engines/types';
import { TaskStatus } from '../task-status';
import { refuseMetadataDatabase } from '../metadata-guard';
import { endpointToConnection } from './endpoint-config';
import { engineFor, mappingsFor } from './engines';
import { ACTION_TITLE, describeOpen, openProcedure, type ActionStep, type OpenProcedure, type PairAction } from './pair-procedure';
import { precheckRefusal, resumesWithoutPrecheck } from './start-task';
import { peerTaskId } from './task-peer';
import { objectSelection } from './task-config';

export type { PairAction } from './pair-procedure';

export interface TaskBrief {
  id: string;
  status: string;
  desiredState: string;
  latencyMs: number | null;
}

export interface SequenceMove {
  /** the column on the side taking over writes */
  table: { schema: string; name: string };
  column: string;
  sequence: string | null;
  /** the next value it will hand out */
  next: string;
  basis: string;
}

/** a procedure of the pair that stopped midway (or was interrupted), as the report shows it */
export interface StoppedProcedure {
  action: PairAction;
  /** Running: another console is carrying it out now */
  state: 'Running' | 'Stopped' | 'Interrupted';
  steps: ActionStep[];
  failedStep: string | null;
  error: string | null;
  startedAt: Date;
  /** a switchover that ends the forward task at the end */
  endForward: boolean;
  /** one line: where it is */
  summary: string;
}

export interface Readiness {
  action: PairAction;
  /** the pair's procedure that stopped midway; the same action continues it */
  stopped: StoppedProcedure | null;
  forward: TaskBrief;
  reverse: TaskBrief;
  /** sequences that will be moved on the side taking over writes */
  sequences: SequenceMove[];
  /** conflicts each task recorded in the last hour (writes to the same rows on both sides) */
  conflictsLastHour: { forward: number; reverse: number };
  warnings: string[];
  /** what stops the action; empty when it can run */
  blockers: string[];
}

async function brief(id: string): Promise<TaskBrief> {
  const t = await db().task.findUnique({ where: { id } });
  if (!t) throw notFound(`Task ${id}`);
  const m = await db().metricSample.findFirst({ where: { taskId: id }, orderBy: { id: 'desc' } });
  return { id, status: t.status, desiredState: t.desiredState, latencyMs: m?.latencyMs ?? null };
}

/** the forward task and its reverse task, from either id */
export async function pairOf(id: string): Promise<{ forward: string; reverse: string }> {
  const t = await peerTaskId(db(), id);
  if (!t) throw notFound(`Task ${id}`);
  if (t.topology === 'TwoWay') {
    throw precondition(`Task ${id} is a direction of a two-way synchronization: both directions of a two-way synchronization run at once; failover and switchover apply to a task and its reverse task (Create Reverse Task)`);
  }
  const peer = t.peerId;
  if (!peer) throw precondition(`Task ${id} has no reverse task; create one first (Create Reverse Task)`);
  return t.topology === 'Reverse' ? { forward: peer, reverse: id } : { forward: id, reverse: peer };
}

/** the reverse task's source is the DR side (old destination), its destination production */
export async function planSequences(reverseId: string, takeOver: 'dr' | 'production'): Promise<{ moves: SequenceMove[]; warnings: string[]; problems: string[] }> {
  const rev = await db().task.findUniqueOrThrow({ where: { id: reverseId }, include: { source: true, dest: true } });
  const dr = endpointToConnection(rev.source, 'source');
  const prod = endpointToConnection(rev.dest, 'destination');
  const engine = await engineFor(dr.engine);
  await refuseMetadataDatabase(engine, dr, 'source');
  await refuseMetadataDatabase(engine, prod, 'destination');
  const selection = objectSelection.parse(rev.objects);
  const catalog = await engine.introspector.introspect(dr, { schemas: selection.schemas.map((s) => s.name) });
  const mappings = await mappingsFor(catalog, selection);
  const drCols: SequenceColumn[] = [];
  const prodCols: SequenceColumn[] = [];
  const warnings: string[] = [];
  for (const m of mappings) {
    const t = catalog.tables.find((x) => x.schema === m.source.schema && x.name === m.source.name);
    for (const c of m.columns) {
      const col = t?.columns.find((x) => x.name === c.source);
      if (!col?.sequence) {
        // a default that names its sequence as text has no catalog link to it (the precheck warns)
        if (col?.defaultExpr && /nextval\(/i.test(col.defaultExpr)) {
          warnings.push(`${m.source.schema}.${m.source.name}.${c.source} calls nextval() in its default (${col.defaultExpr}) without a catalog link to the sequence, so it cannot be moved: move it by hand, or set the default to nextval('<sequence>'::regclass)`);
        }
        continue;
      }
      drCols.push({ table: m.source, column: c.source });
      prodCols.push({ table: m.target, column: c.target });
    }
  }
  const [takeCfg, takeCols, otherCfg, otherCols] = takeOver === 'dr' ? [dr, drCols, prod, prodCols] : [prod, prodCols, dr, drCols];
  const take = await engine.sequences.read(takeCfg, takeCols);
  let other: SequenceState[] | null = null;
  try {
    other = await engine.sequences.read(otherCfg, otherCols);
  } catch (e) {
    warnings.push(`The ${takeOver === 'dr' ? 'production' : 'DR'} database cannot be read (${e instanceof Error ? e.message : String(e)}): sequences continue after the largest value on the side taking over`);
  }
  const big = (v: string | null | undefined) => (v ? BigInt(v) : 0n);
  const moves: SequenceMove[] = [];
  take.forEach((s, i) => {
    const o = other?.[i];
    const floor = [big(s.maxValue), big(s.lastValue), big(o?.lastValue), big(o?.maxValue)].reduce((a, b) => (b > a ? b : a), 0n);
    const name = `${s.table.schema}.${s.table.name}.${s.column}`;
    if (!s.sequence) {
      warnings.push(`${name} has no sequence (or AUTO_INCREMENT) on the ${takeOver === 'dr' ? 'DR' : 'production'} side, so nothing is moved for it: check the column's default there`);
      return;
    }
    moves.push({ table: s.table, column: s.column, sequence: s.sequence, next: (floor + 1n).toString(), basis: o ? "the other side's value + 1" : 'the largest value here + 1' });
  });
  // a sequence that feeds several columns continues after the largest of them all
  const top = new Map<string, bigint>();
  for (const m of moves) if (m.sequence && BigInt(m.next) > (top.get(m.sequence) ?? 0n)) top.set(m.sequence, BigInt(m.next));
  for (const m of moves) {
    const next = m.sequence ? top.get(m.sequence) : undefined;
    if (next !== undefined && next !== BigInt(m.next)) {
      m.next = next.toString();
      m.basis = `shared with other columns: after the largest of them`;
    }
  }
  // the privilege to move them, before the first step
  const problems = await engine.sequences.checkSetNext(takeCfg, moves.map((m) => ({ table: m.table, column: m.column })));
  return { moves, warnings, problems };
}

function stoppedView(p: OpenProcedure): StoppedProcedure {
  return {
    action: p.action,
    state: p.interrupted ? 'Interrupted' : p.state,
    steps: p.steps,
    failedStep: p.failedStep,
    error: p.error,
    startedAt: p.startedAt,
    endForward: p.context.endForward === true,
    summary: describeOpen(p),
  };
}

/** the source of the forward task (production) with its engine, refused when it is the metadata database */
export async function productionOf(forwardId: string) {
  const fwd = await db().task.findUniqueOrThrow({ where: { id: forwardId }, include: { source: true } });
  const cfg = endpointToConnection(fwd.source, 'source');
  const engine = await engineFor(cfg.engine);
  await refuseMetadataDatabase(engine, cfg, 'source');
  return { cfg, engine };
}

/** why a switchover cannot fence production, with the statements the operator runs instead */
export function fenceRefusal(problem: string, manual: string[]): string {
  return `The source cannot be fenced against writes: ${problem}. Run on the source: ${manual.join('; ')}; then run the switchover (DTS checks that the fence holds)`;
}

/** the step that needs the fence checks of an action */
const FENCE_STEP: Partial<Record<PairAction, string>> = { switchover: 'Fence the source against writes', switchBack: 'Lift the write fence' };

/** may DTS fence production (switchover), and lift the fence (switch back)? */
async function fenceChecks(forwardId: string, action: PairAction, blockers: string[], warnings: string[]): Promise<void> {
  const prod = await productionOf(forwardId);
  const fence = prod.engine.fence;
  if (action === 'switchover') {
    if (!fence) {
      blockers.push(`A ${prod.cfg.engine} source has no write fence, so a switchover cannot make sure that no write is lost`);
      return;
    }
    const c = await fence.check(prod.cfg);
    if (c.problem) blockers.push(fenceRefusal(c.problem, c.manual));
    warnings.push(...c.notes);
  } else if (action === 'switchBack' && fence && (await fence.isRaised(prod.cfg))) {
    if (!(await fence.check(prod.cfg)).mayLift) {
      warnings.push(`The production database is fenced against writes and the source account may not lift the fence: after the switch back, run the statement that lifts it (the last step names it)`);
    }
  }
}

export async function readiness(id: string, action: PairAction): Promise<Readiness> {
  const { forward, reverse } = await pairOf(id);
  const [f, r, open] = await Promise.all([brief(forward), brief(reverse), openProcedure(forward)]);
  const blockers: string[] = [];
  const warnings: string[] = [];
  // a procedure that stopped midway: the same action continues it, from the steps not done
  const continuing = open !== null && open.action === action && (open.state === 'Stopped' || open.interrupted);
  const done = new Set(continuing ? open.steps.map((s) => s.step) : []);
  if (open && !continuing) {
    blockers.push(open.action === action ? `${describeOpen(open)}; wait until it ends` : `${describeOpen(open)}; continue the ${ACTION_TITLE[open.action]} or dismiss it first`);
  }
  if (!continuing) {
    if (action === 'failover' || action === 'switchover') {
      const ready: string[] = [TaskStatus.InitialSync, TaskStatus.Paused];
      if (!ready.includes(r.status) || r.desiredState === 'Running') {
        blockers.push(`The reverse task ${reverse} is ${r.status}; it must be collecting (Performing Initial Synchronization) or Paused`);
      } else if (!resumesWithoutPrecheck(r.status)) {
        // the reverse task is started for the first time: its precheck must be at 100%
        const refusal = await precheckRefusal(db(), reverse);
        if (refusal) blockers.push(`The reverse task ${reverse} cannot start: ${refusal}`);
      }
    }
    if (action === 'switchover' && f.status !== TaskStatus.Running) blockers.push(`The forward task ${forward} is ${f.status}; a planned switchover starts from a Running forward task`);
    if (action === 'switchBack' && r.status !== TaskStatus.Running) blockers.push(`The reverse task ${reverse} is ${r.status}; switch back starts from a Running reverse task`);
  }
  const unreadable = (what: string) => (e: unknown) => {
    warnings.push(`${what} cannot be checked: ${e instanceof Error ? e.message : String(e)}`);
  };
  let moves: SequenceMove[] = [];
  if (!done.has('Move sequences')) {
    const planned = await planSequences(reverse, action === 'switchBack' ? 'production' : 'dr').catch((e: unknown) => {
      const why = `Sequences cannot be planned: ${e instanceof Error ? e.message : String(e)}`;
      // the failover's side taking over must be reachable to move them: a failover still runs (production may be down), with the warning
      (action === 'failover' ? warnings : blockers).push(why);
      return null;
    });
    if (planned) {
      moves = planned.moves;
      warnings.push(...planned.warnings);
      blockers.push(...planned.problems.map((p) => `Sequences cannot be moved: ${p}`));
    }
  }
  const fenceStep = FENCE_STEP[action];
  if (fenceStep && !done.has(fenceStep)) await fenceChecks(forward, action, blockers, warnings).catch(unreadable('The write fence'));
  const conflictsLastHour = await recentConflicts(forward, reverse);
  const ids = { forward, reverse };
  for (const side of ['forward', 'reverse'] as const) {
    const n = conflictsLastHour[side];
    if (n > 0) warnings.push(`The ${side} task ${ids[side]} recorded ${n} conflict${n === 1 ? '' : 's'} in the last hour: the same rows were written on both sides (dts task conflicts ${ids[side]})`);
  }
  return { action, stopped: open ? stoppedView(open) : null, forward: f, reverse: r, sequences: moves, conflictsLastHour, warnings, blockers };
}

async function recentConflicts(forward: string, reverse: string): Promise<Readiness['conflictsLastHour']> {
  const since = new Date(Date.now() - 3_600_000);
  const count = (taskId: string) => db().conflict.count({ where: { taskId, createdAt: { gte: since } } });
  const [f, r] = await Promise.all([count(forward), count(reverse)]);
  return { forward: f, reverse: r };
}

