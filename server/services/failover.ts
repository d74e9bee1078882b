// Failover, switch back and planned switchover as one action each (seed 000's procedures),
// with a readiness report first and every step reported. The steps use the same services an
// operator would (pause, start), wait for the replicator to carry each one out, and move the
// synchronized sequences on the side taking over writes.
import { db } from '../db';
import { notFound, precondition } from '../errors';
import type { SequenceColumn, SequenceState } from '../engines/types';
import { TaskStatus } from '../task-status';
import { endTask } from './end-task';
import { refuseMetadataDatabase } from '../metadata-guard';
import { endpointToConnection } from './endpoint-config';
import { engineFor, mappingsFor } from './engines';
import { pauseTask } from './pause-task';
import { precheckRefusal, resumesWithoutPrecheck, startTask } from './start-task';
import { peerTaskId } from './task-peer';
import { objectSelection } from './task-config';

export type PairAction = 'failover' | 'switchBack' | 'switchover';

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

export interface Readiness {
  action: PairAction;
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

export interface ActionStep {
  step: string;
  detail: string;
  at: Date;
}

export interface ActionReport {
  readiness: Readiness;
  steps: ActionStep[];
}

const WAIT_MS = Number(process.env.DTS_ACTION_WAIT_MS ?? 120_000);

async function brief(id: string): Promise<TaskBrief> {
  const t = await db().task.findUnique({ where: { id } });
  if (!t) throw notFound(`Task ${id}`);
  const m = await db().metricSample.findFirst({ where: { taskId: id }, orderBy: { id: 'desc' } });
  return { id, status: t.status, desiredState: t.desiredState, latencyMs: m?.latencyMs ?? null };
}

/** the forward task and its reverse task, from either id */
async function pairOf(id: string): Promise<{ forward: string; reverse: string }> {
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
async function planSequences(reverseId: string, takeOver: 'dr' | 'production'): Promise<{ moves: SequenceMove[]; warnings: string[] }> {
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
  return { moves, warnings };
}

export async function readiness(id: string, action: PairAction): Promise<Readiness> {
  const { forward, reverse } = await pairOf(id);
  const [f, r] = await Promise.all([brief(forward), brief(reverse)]);
  const blockers: string[] = [];
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
  const { moves, warnings } = await planSequences(reverse, action === 'switchBack' ? 'production' : 'dr').catch((e: unknown) => ({
    moves: [] as SequenceMove[],
    warnings: [`Sequences cannot be planned: ${e instanceof Error ? e.message : String(e)}`],
  }));
  const conflictsLastHour = await recentConflicts(forward, reverse);
  const ids = { forward, reverse };
  for (const side of ['forward', 'reverse'] as const) {
    const n = conflictsLastHour[side];
    if (n > 0) warnings.push(`The ${side} task ${ids[side]} recorded ${n} conflict${n === 1 ? '' : 's'} in the last hour: the same rows were written on both sides (dts task conflicts ${ids[side]})`);
  }
  return { action, forward: f, reverse: r, sequences: moves, conflictsLastHour, warnings, blockers };
}

async function recentConflicts(forward: string, reverse: string): Promise<Readiness['conflictsLastHour']> {
  const since = new Date(Date.now() - 3_600_000);
  const count = (taskId: string) => db().conflict.count({ where: { taskId, createdAt: { gte: since } } });
  const [f, r] = await Promise.all([count(forward), count(reverse)]);
  return { forward: f, reverse: r };
}

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

async function run(id: string, action: PairAction, body: (r: Readiness, step: (s: string, d: string) => void) => Promise<void>): Promise<ActionReport> {
  const r = await readiness(id, action);
  if (r.blockers.length) throw precondition(r.blockers.join('; '));
  const steps: ActionStep[] = [];
  // each step is an event of both tasks as it happens: the console shows the steps live
  let logged: Promise<unknown> = Promise.resolve();
  const log = (level: string, message: string) => {
    logged = logged.then(() => db().taskEvent.createMany({ data: [r.forward.id, r.reverse.id].map((taskId) => ({ taskId, level, message })) })).catch(() => undefined);
  };
  const step = (s: string, detail: string) => {
    steps.push({ step: s, detail, at: new Date() });
    log('info', `${action} step: ${s}: ${detail}`);
  };
  log('info', `${action} started`);
  try {
    await body(r, step);
  } catch (e) {
    log('error', `${action} stopped: ${e instanceof Error ? e.message : String(e)}`);
    await logged;
    throw e;
  }
  log('info', `${action}: ${steps.map((s) => s.step).join(' → ')}`);
  await logged;
  return { readiness: r, steps };
}

async function moveSequences(reverse: string, side: 'dr' | 'production', step: (s: string, d: string) => void): Promise<void> {
  const { moves, warnings } = await planSequences(reverse, side);
  const rev = await db().task.findUniqueOrThrow({ where: { id: reverse }, include: { source: true, dest: true } });
  const cfg = endpointToConnection(side === 'dr' ? rev.source : rev.dest, side === 'dr' ? 'source' : 'destination');
  const engine = await engineFor(cfg.engine);
  await engine.sequences.setNext(cfg, moves.map((m) => ({ table: m.table, column: m.column, next: m.next })));
  const described = moves.map((m) => `${m.table.schema}.${m.table.name}.${m.column} next ${m.next} (${m.basis})`);
  step('Move sequences', [...(described.length ? described : ['no synchronized sequence']), ...warnings].join('; '));
}

/** pauses a task unless the operator already did (a failover may follow a manual pause) */
async function pauseAndWait(t: TaskBrief, what: string): Promise<string> {
  if (t.desiredState === 'Running') await pauseTask(t.id);
  return `${t.id} is ${await waitStatus(t.id, [TaskStatus.Paused, TaskStatus.Failed, TaskStatus.NotStarted], what)}`;
}

/** Disaster recovery failover: pause the forward task, move sequences on the DR side, start the reverse task. */
export async function failover(id: string): Promise<ActionReport> {
  return run(id, 'failover', async (r, step) => {
    step('Pause the forward task', await pauseAndWait(r.forward, 'the forward task to pause'));
    await moveSequences(r.reverse.id, 'dr', step);
    await startTask(r.reverse.id);
    step('Start the reverse task', `${r.reverse.id} started; it writes to production once production can be reached`);
  });
}

/** Switch back: wait for no latency on the reverse task, pause it, move sequences on production, start the forward task, lift the write fence. */
export async function switchBack(id: string): Promise<ActionReport> {
  return run(id, 'switchBack', async (r, step) => {
    step('Wait until the reverse task has no latency', `${await waitNoLatency(r.reverse.id, 'the reverse task')} ms`);
    step('Pause the reverse task', await pauseAndWait(r.reverse, 'the reverse task to pause'));
    await moveSequences(r.reverse.id, 'production', step);
    await startTask(r.forward.id);
    step('Start the forward task', `${r.forward.id} is ${await waitStatus(r.forward.id, [TaskStatus.Running, TaskStatus.Retrying], 'the forward task to start')}`);
    // the fence a switchover raised on production: applications write there again
    const prod = await productionOf(r.forward.id);
    if (prod.engine.fence) step('Lift the write fence', await prod.engine.fence.lift(prod.cfg));
  });
}

/** the production database as the forward task reads it, with its engine */
async function productionOf(forwardId: string) {
  const fwd = await db().task.findUniqueOrThrow({ where: { id: forwardId }, include: { source: true } });
  const cfg = endpointToConnection(fwd.source, 'source');
  const engine = await engineFor(cfg.engine);
  await refuseMetadataDatabase(engine, cfg, 'source');
  return { cfg, engine };
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
 * Planned switchover. The operator confirms that writes have stopped; DTS then makes sure of it:
 * it fences the source against application writes (or says what to run where its account may
 * not), waits until the forward task has applied through the source's position at the fence,
 * and watches for changes that still arrive. Only then does it pause the forward task, move
 * sequences on the DR side and start the reverse task. If changes arrive after the fence, it
 * refuses, says how many, starts the forward task again if it paused it, and lifts the fence it
 * raised: nothing is lost and the state is as before. Switch back lifts the fence.
 */
export async function switchover(id: string, opts: { writesStopped: boolean; endForward?: boolean }): Promise<ActionReport> {
  if (!opts.writesStopped) {
    throw precondition('Stop writing business data first, then confirm it (writesStopped): to prevent data loss, no new data may be written to the database during the switchover');
  }
  return run(id, 'switchover', async (r, step) => {
    step('Writes stopped', 'confirmed by the operator');
    const prod = await productionOf(r.forward.id);
    const fence = prod.engine.fence;
    if (!fence) throw precondition(`A ${prod.cfg.engine} source has no write fence, so a switchover cannot make sure that no write is lost`);
    const raised = await fence.raise(prod.cfg);
    if (!raised.raised) {
      throw precondition(
        `The source cannot be fenced against writes: ${raised.problem ?? 'unknown reason'}. Run on the source: ${raised.manual.join('; ')}; then start the switchover again (DTS checks that the fence holds)`,
      );
    }
    step('Fence the source against writes', raised.done.join('; '));
    let paused = false;
    try {
      const fencedAt = await fence.position(prod.cfg);
      const before = await waitAppliedThrough(r.forward.id, fencedAt, fence.reached);
      step('Wait until the forward task has applied through the source position', `${r.forward.id} applied through ${fencedAt}`);
      await new Promise((res) => setTimeout(res, QUIET_MS));
      const quietAt = await fence.position(prod.cfg);
      const quiet = await waitAppliedThrough(r.forward.id, quietAt, fence.reached);
      if (quiet > before) throw precondition(arrived(quiet - before, `in ${QUIET_MS / 1000} s`));
      step('Check that no change arrives after the fence', `none in ${QUIET_MS / 1000} s, through source position ${quietAt}`);
      step('Pause the forward task', await pauseAndWait(r.forward, 'the forward task to pause'));
      paused = true;
      const last = await appliedRows(r.forward.id);
      if (last > before) throw precondition(arrived(last - before, 'before the forward task paused'));
    } catch (e) {
      const undo: string[] = [];
      if (paused) {
        await startTask(r.forward.id);
        undo.push(`the forward task ${r.forward.id} is started again, so every change reaches the DR side`);
      }
      if (raised.by === 'dts') undo.push(`the fence is lifted: ${await fence.lift(prod.cfg)}`);
      const msg = e instanceof Error ? e.message : String(e);
      throw precondition(`${msg}${undo.length ? `. The switchover stopped: ${undo.join('; ')}` : ''}`);
    }
    await moveSequences(r.reverse.id, 'dr', step);
    await startTask(r.reverse.id);
    step('Start the reverse task', `${r.reverse.id} is ${await waitStatus(r.reverse.id, [TaskStatus.Running, TaskStatus.Retrying], 'the reverse task to start')}`);
    if (opts.endForward) {
      await endTask(r.forward.id);
      step('End the forward task', `${r.forward.id} ends; release it to drop its slot on production`);
    }
  });
}
