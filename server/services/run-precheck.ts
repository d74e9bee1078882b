// Precheck: the task turns Prechecking and a PrecheckRun is created at once; the checks run in
// the background and write each item as it arrives. At the end the run is passed or failed and
// the task Not Started or Precheck Failed. A crash is recorded as a failed item with its cause.
import { db } from '../db';
import { MetadataEndpointError, refuseMetadataDatabase } from '../metadata-guard';
import { AppError, conflict, notFound, precondition } from '../errors';
import { engineFor, mappingsFor } from './engines';
import type { ConnectionConfig, EngineModule, PrecheckInput, PrecheckItem, TableMapping, TableRef } from '../engines/types';
import { TaskStatus } from '../task-status';
import { describeEndpoint, endpointToConnection, type EndpointSide } from './endpoint-config';
import { notifyReplicator } from './notify-replicator';
import { prepareCapture } from '../pipeline/capture';
import { forwardTables } from './reverse-pair';
import { objectSelection, taskSettings } from './task-config';
import { inTransaction, lockTask } from './task-lock';
import { toPrecheckRunView, type PrecheckRunView } from './task-view';

const PRECHECKABLE: string[] = [TaskStatus.NotStarted, TaskStatus.PrecheckFailed];
/** a run still "running" after this long was cut off by a console restart; a new one may start */
export const PRECHECK_STALE_MS = 15 * 60_000;

export interface StartedPrecheck {
  runId: number;
  /** settles when the background run has finished (it never rejects) */
  done: Promise<void>;
}

export async function startPrecheck(taskId: string, opts: { ignoreWarnings?: boolean } = {}): Promise<StartedPrecheck> {
  const runId = await inTransaction(async (tx) => {
    const t = await lockTask(tx, taskId);
    if (t.status === TaskStatus.Prechecking) {
      const last = await tx.precheckRun.findFirst({ where: { taskId }, orderBy: { id: 'desc' } });
      if (last?.state === 'running' && Date.now() - last.startedAt.getTime() < PRECHECK_STALE_MS) throw conflict(`Task ${taskId} is already Prechecking`);
      if (last?.state === 'running') {
        await tx.precheckRun.update({ where: { id: last.id }, data: { state: 'failed', finishedAt: new Date() } });
        await tx.precheckItem.create({ data: { runId: last.id, key: 'precheck.error', name: 'Run the precheck', result: 'fail', cause: 'The precheck was interrupted (the console stopped while it ran)' } });
        await tx.precheckItem.updateMany({ where: { runId: last.id, result: PENDING }, data: { result: 'fail', cause: 'Not run: the precheck was interrupted.' } });
      }
      t.status = TaskStatus.PrecheckFailed;
    }
    if (!PRECHECKABLE.includes(t.status) || t.desiredState !== 'Stopped') {
      throw precondition(`Task ${taskId} is ${t.status}; a precheck runs only before the task starts`);
    }
    await tx.task.update({ where: { id: taskId }, data: { status: TaskStatus.Prechecking, statusReason: null } });
    const run = await tx.precheckRun.create({ data: { taskId, state: 'running' } });
    return run.id;
  });
  // every item is listed at once as pending, before the run starts, so the success rate counts
  // the items that have not finished yet (2 of 19 done is not 100 %)
  await listPending(taskId, runId).catch((e: unknown) => {
    console.error(`precheck ${runId} of task ${taskId} could not list its items: ${e instanceof Error ? e.message : String(e)}`);
  });
  const done = execute(taskId, runId, opts.ignoreWarnings ?? false).catch((e) => {
    console.error(`precheck ${runId} of task ${taskId} could not record its result: ${e instanceof Error ? e.message : String(e)}`);
  });
  return { runId, done };
}

async function writeItem(runId: number, item: PrecheckItem, ignoreWarnings: boolean): Promise<void> {
  const data = { name: item.name, result: item.result, cause: item.cause ?? null, fix: item.fix ?? null, ignored: ignoreWarnings && item.result === 'warn' };
  await db().precheckItem.upsert({ where: { runId_key: { runId, key: item.key } }, create: { runId, key: item.key, ...data }, update: data });
}

async function checkConnectivity(engine: EngineModule, side: EndpointSide, cfg: ConnectionConfig): Promise<PrecheckItem> {
  const key = `${side === 'source' ? 'source' : 'target'}.connectivity`;
  // same key and name as the engine's own connectivity item, which replaces this one when it runs
  const name = `${side === 'source' ? 'Source' : 'Destination'} Database Connectivity`;
  try {
    const r = await engine.introspector.testConnection(cfg);
    if (r.ok) {
      await refuseMetadataDatabase(engine, cfg, side);
      return { key, name, result: 'pass' };
    }
    return { key, name, result: 'fail', cause: `${describeEndpoint(side, cfg)}: ${r.error ?? 'the connection failed'}`, fix: 'Check the host, port, database, account and password, and that the server accepts connections from DTS.' };
  } catch (e) {
    if (e instanceof MetadataEndpointError) return { key, name, result: 'fail', cause: e.message, fix: 'Enter the address and database of a customer database.' };
    return { key, name, result: 'fail', cause: `${describeEndpoint(side, cfg)}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const PENDING = 'pending';
const COLLECT_KEY = 'source.collect';
const COLLECT_NAME = 'Start collecting incremental data on the source database';

async function listPending(taskId: string, runId: number): Promise<void> {
  const task = await loadTask(taskId);
  if (!task) return;
  const source = endpointToConnection(task.source, 'source');
  const target = endpointToConnection(task.dest, 'destination');
  const engine = await engineFor(source.engine);
  const planned = [
    ...engine.prechecker.planned(precheckInput(task, source, target, [], taskSettings.parse(task.settings))),
    ...(task.topology === 'Reverse' ? [{ key: COLLECT_KEY, name: COLLECT_NAME }] : []),
  ];
  await db().precheckItem.createMany({ data: planned.map((p) => ({ runId, key: p.key, name: p.name, result: PENDING })), skipDuplicates: true });
}

type TaskRow = NonNullable<Awaited<ReturnType<typeof loadTask>>>;

function loadTask(taskId: string) {
  return db().task.findUnique({ where: { id: taskId }, include: { source: true, dest: true, peerOf: { select: { id: true } } } });
}

function precheckInput(
  task: TaskRow,
  source: ConnectionConfig,
  target: ConnectionConfig,
  mappings: TableMapping[],
  settings: ReturnType<typeof taskSettings.parse>,
): PrecheckInput {
  return {
    source,
    target,
    taskId: task.id,
    mappings,
    syncTypes: { schema: task.syncSchema, full: task.syncFull, incremental: task.syncIncremental },
    conflictingTables: settings.conflictingTables,
    topology: task.topology,
    retryWindowMinutes: settings.retryConnectionMinutes,
  };
}

/** creates the reverse task's slot and publication on its source, as a precheck item */
async function startCollecting(engine: EngineModule, source: ConnectionConfig, taskId: string, mappings: TableMapping[], record: (i: PrecheckItem) => Promise<void>): Promise<boolean> {
  const key = COLLECT_KEY;
  const name = COLLECT_NAME;
  try {
    const r = await prepareCapture(engine, source, taskId, mappings);
    await record({ key, name, result: 'pass', cause: r.position ? `Collecting from position ${r.position}` : 'Collecting' });
    return true;
  } catch (e) {
    await record({ key, name, result: 'fail', cause: e instanceof Error ? e.message : String(e), fix: 'Fix the cause and run the precheck again.' });
    return false;
  }
}

/**
 * The reverse direction of a two-way pair: "When DTS checks for conflicting tables in the reverse
 * direction, the tables that have been synchronized to the destination instance in the forward
 * direction are ignored" (seed 003). Its destination tables are the forward task's source tables.
 */
async function forwardSources(forwardId: string | null): Promise<TableRef[]> {
  if (!forwardId) return [];
  const fwd = await db().task.findUnique({ where: { id: forwardId }, include: { source: true, dest: true } });
  return fwd ? (await forwardTables(fwd)).map((m) => m.source) : [];
}

async function execute(taskId: string, runId: number, ignoreWarnings: boolean): Promise<void> {
  let failed = false;
  let collecting = false;
  const record = async (item: PrecheckItem) => {
    if (item.result === 'fail') failed = true;
    await writeItem(runId, item, ignoreWarnings);
  };
  let crash: string | null = null;
  try {
    const task = await loadTask(taskId);
    if (!task) throw notFound(`Task ${taskId}`);
    const source = endpointToConnection(task.source, 'source');
    const target = endpointToConnection(task.dest, 'destination');
    const sourceEngine = await engineFor(source.engine);
    const targetEngine = await engineFor(target.engine);
    const connectivity = await Promise.all([checkConnectivity(sourceEngine, 'source', source), checkConnectivity(targetEngine, 'destination', target)]);
    for (const item of connectivity) await record(item);
    if (!failed) {
      const selection = objectSelection.parse(task.objects);
      const settings = taskSettings.parse(task.settings);
      const catalog = await sourceEngine.introspector.introspect(source, { schemas: selection.schemas.map((s) => s.name) });
      let mappings: TableMapping[] | null = null;
      try {
        mappings = await mappingsFor(catalog, selection);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        await record({ key: 'objects.selection', name: 'Check the selected objects', result: 'fail', cause: e.message, fix: 'Change the selected objects and run the precheck again.' });
      }
      if (mappings) {
        const items = sourceEngine.prechecker.precheck({
          ...precheckInput(task, source, target, mappings, settings),
          ...(task.topology === 'TwoWay' && task.direction === 'Reverse' ? { ignoreExistingTargets: await forwardSources(task.peerTaskId ?? task.peerOf?.id ?? null) } : {}),
        });
        for await (const item of items) await record(item);
        // a reverse task collects from the moment its precheck passes (seed 000)
        if (!failed && task.topology === 'Reverse') collecting = await startCollecting(sourceEngine, source, taskId, mappings, record);
      }
    }
  } catch (e) {
    crash = e instanceof Error ? e.message : String(e);
    failed = true;
    await writeItem(runId, { key: 'precheck.error', name: 'Run the precheck', result: 'fail', cause: crash, fix: 'Fix the cause and run the precheck again.' }, false).catch(() => undefined);
  }
  // items that never ran (the run stopped before them) say so, and count as failed
  await db().precheckItem.updateMany({
    where: { runId, result: PENDING },
    data: { result: 'fail', cause: 'Not run: the precheck stopped before this item (see the failed items above).', fix: 'Fix the failed items and run the precheck again.' },
  }).catch(() => undefined);
  if (await db().precheckItem.count({ where: { runId, result: 'fail' } })) failed = true;
  const state = failed ? 'failed' : 'passed';
  const passedStatus = collecting ? TaskStatus.InitialSync : TaskStatus.NotStarted;
  const passedReason = collecting ? 'Collecting incremental data; it is written when the reverse task is started' : null;
  await db().$transaction([
    db().precheckRun.update({ where: { id: runId }, data: { state, finishedAt: new Date() } }),
    db().task.updateMany({
      where: { id: taskId, status: TaskStatus.Prechecking },
      data: { status: failed ? TaskStatus.PrecheckFailed : passedStatus, statusReason: crash ?? (failed ? 'The precheck failed' : passedReason) },
    }),
  ]);
  await notifyReplicator(taskId).catch(() => undefined);
}

/** Ignores warning items of the latest precheck run (all of them, or those with the given keys). */
export async function ignorePrecheckWarnings(taskId: string, keys?: string[]): Promise<PrecheckRunView> {
  const run = await db().precheckRun.findFirst({ where: { taskId }, orderBy: { id: 'desc' }, include: { items: true } });
  if (!run) throw precondition(`Task ${taskId} has no precheck run`);
  if (run.state === 'running') throw precondition(`The precheck of task ${taskId} is still running`);
  if (run.state === 'outdated') throw precondition(`The configuration of task ${taskId} changed after its last precheck; run the precheck again`);
  const chosen = keys?.length ? run.items.filter((i) => keys.includes(i.key)) : run.items.filter((i) => i.result === 'warn');
  if (keys?.length) {
    const unknown = keys.filter((k) => !run.items.some((i) => i.key === k));
    if (unknown.length) throw notFound(`Precheck item ${unknown.join(', ')}`);
    const notWarn = chosen.filter((i) => i.result !== 'warn');
    if (notWarn.length) throw precondition(`Only warning items can be ignored; ${notWarn.map((i) => `"${i.name}" is ${i.result}`).join(', ')}`);
  }
  await db().precheckItem.updateMany({ where: { id: { in: chosen.map((i) => i.id) } }, data: { ignored: true } });
  const updated = await db().precheckRun.findUniqueOrThrow({ where: { id: run.id }, include: { items: { orderBy: { id: 'asc' } } } });
  return toPrecheckRunView(updated);
}

export async function getPrecheckRun(taskId: string, runId?: number): Promise<PrecheckRunView> {
  const run = await db().precheckRun.findFirst({
    where: { taskId, ...(runId !== undefined ? { id: runId } : {}) },
    orderBy: { id: 'desc' },
    include: { items: { orderBy: { id: 'asc' } } },
  });
  if (!run) throw notFound(runId !== undefined ? `Precheck run ${runId} of task ${taskId}` : `A precheck run of task ${taskId}`);
  return toPrecheckRunView(run);
}
