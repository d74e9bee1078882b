// Runs one task through its stages: schema, full data, incremental. Resumable: the stage is
// stored on the task, full load skips finished tables, and incremental resumes from the
// position recorded on the target with the data.
import { db } from '../db';
import type { BulkStream, Catalog, SnapshotSession, TableMapping } from '../engines/types';
import { ANY_ORIGIN } from '../engines/types';
import { TaskStatus } from '../task-status';
import { AbortedError, ensureProgressRows, fullLoadFinished, runFullLoad } from './full-load';
import { prepareCapture } from './capture';
import { conflictHandling } from './conflicts';
import { runIncremental } from './incremental';
import { resolveMappings } from './mapping';
import { TaskMetrics } from './metrics';
import { taskTables } from './task-tables';
import { peerTaskId } from '../services/task-peer';
import { loadTaskContext, type TaskContext } from './task-context';
import { recordEvent, setStage, setStatus } from './task-log';

export interface RunnerHooks {
  /** the task made durable progress: a retry window can be closed */
  progress(): void;
}

const HEARTBEAT_MS = 1_000;

export async function runTask(taskId: string, signal: AbortSignal, hooks: RunnerHooks): Promise<'finished' | 'stopped'> {
  const ctx = await loadTaskContext(taskId);
  const schemas = [...new Set(ctx.selection.schemas.map((s) => s.name))];
  const catalog = await ctx.sourceEngine.introspector.introspect(ctx.source, { schemas });
  const mappings = await frozenMappings(taskId, resolveMappings(catalog, ctx.selection), catalog);
  let stage = ctx.task.stage as 'schema' | 'full' | 'incremental' | 'done';
  const { syncSchema, syncFull, syncIncremental } = ctx.task;

  if (stage === 'schema') {
    await setStatus(taskId, TaskStatus.InitialSync);
    if (syncSchema) {
      const plan = ctx.targetEngine.schema.plan(catalog, mappings);
      await recordEvent(taskId, 'info', `Schema Synchronization: creating ${mappings.length} table(s) on the destination`);
      await ctx.targetEngine.schema.apply(ctx.target, plan.pre);
      if (!syncFull) await ctx.targetEngine.schema.apply(ctx.target, plan.post);
      await recordPlanWarnings(taskId, plan.warnings ?? []);
      await recordEvent(taskId, 'info', 'Schema Synchronization finished');
    }
    stage = syncFull ? 'full' : syncIncremental ? 'incremental' : 'done';
    if (!syncFull && syncIncremental) await prepareCapture(ctx.sourceEngine, ctx.source, taskId, mappings);
    await setStage(taskId, stage);
    hooks.progress();
  }
  if (signal.aborted) return 'stopped';

  if (stage === 'full') {
    await setStatus(taskId, TaskStatus.InitialSync);
    // An earlier attempt loaded every table and then failed creating the indexes: only they are
    // tried again (within the retry window, as nothing new is loaded), the data is not reloaded.
    const loaded = await fullLoadFinished(taskId, mappings);
    if (!loaded) {
      await fullStage(ctx, catalog, mappings, signal, hooks);
      if (signal.aborted) return 'stopped';
    }
    if (syncSchema) {
      await recordEvent(taskId, 'info', `Creating indexes and foreign keys on the destination${loaded ? ' (the full load finished in an earlier attempt)' : ''}`);
      await ctx.targetEngine.schema.apply(ctx.target, ctx.targetEngine.schema.plan(catalog, mappings).post);
    }
    stage = syncIncremental ? 'incremental' : 'done';
    await setStage(taskId, stage);
    await recordEvent(taskId, 'info', 'Full Data Synchronization finished');
    hooks.progress();
  }
  if (signal.aborted) return 'stopped';

  if (stage === 'incremental') {
    await incrementalStage(ctx, mappings, signal, hooks);
    return 'stopped';
  }
  return 'finished';
}

async function fullStage(ctx: TaskContext, catalog: Catalog, mappings: TableMapping[], signal: AbortSignal, hooks: RunnerHooks): Promise<void> {
  const taskId = ctx.task.id;
  const parallelism = ctx.settings.fullParallelism;
  const writer = await ctx.targetEngine.writer.openWriter(ctx.target, { taskId, originName: originFor(taskId), replicaRole: true });
  let snapshot: SnapshotSession;
  try {
    // an earlier attempt recorded the slot's position: the slot must still be there
    const captureMustExist = ctx.task.syncIncremental && ctx.task.checkpoint !== null;
    snapshot = await ctx.sourceEngine.snapshot.openSnapshot(ctx.source, { taskId, mappings, workers: parallelism, withCapture: ctx.task.syncIncremental, captureMustExist });
  } catch (e) {
    await writer.close();
    throw e;
  }
  try {
    // a snapshot newer than the slot: the changes up to replayUntil replay over it
    const { position, replayUntil } = handoff(ctx.task, snapshot);
    if (ctx.task.syncIncremental) await db().task.update({ where: { id: taskId }, data: { checkpoint: position, ...(replayUntil ? { replayUntil } : {}) } });
    const from = ctx.task.syncIncremental ? ` at source position ${position}` : '';
    await recordEvent(taskId, 'info', `Full Data Synchronization started${from} with ${parallelism} worker(s)`);
    const format = bulkFormat(ctx);
    await runFullLoad({
      taskId,
      mappings,
      catalog,
      snapshot,
      writer,
      format,
      parallelism,
      rpsLimit: ctx.settings.fullRps,
      bpsLimit: ctx.settings.fullBps,
      signal,
      onProgress: () => hooks.progress(),
    });
  } catch (e) {
    if (e instanceof AbortedError) return;
    throw e;
  } finally {
    await snapshot.close();
    await writer.close();
  }
}

async function incrementalStage(ctx: TaskContext, mappings: TableMapping[], signal: AbortSignal, hooks: RunnerHooks): Promise<void> {
  const taskId = ctx.task.id;
  const writer = await ctx.targetEngine.writer.openWriter(ctx.target, { taskId, originName: originFor(taskId), replicaRole: true });
  const metrics = new TaskMetrics(taskId);
  let heartbeat: { stop(): Promise<void> } | null = null;
  let stream: Awaited<ReturnType<typeof ctx.sourceEngine.stream.open>> | null = null;
  try {
    // the position recorded with the data; before the first apply, the snapshot's position or
    // the one the capture started at (engines without a slot, such as MySQL, need it)
    // (read now: the full stage of this same run may have just stored it)
    const stored = await db().task.findUniqueOrThrow({ where: { id: taskId }, select: { checkpoint: true, replayUntil: true } });
    const from = (await writer.checkpoint()) ?? stored.checkpoint;
    // What the paired task applied here is not sent back. A two-way direction skips every
    // replicated transaction: its other direction may be configured while this one runs.
    const peer = (await peerTaskId(db(), taskId))?.peerId;
    const skipOrigins = ctx.task.topology === 'TwoWay' ? [ANY_ORIGIN] : peer ? [originFor(peer)] : [];
    stream = await ctx.sourceEngine.stream.open(ctx.source, { taskId, mappings, from, skipOrigins, maxBufferedChanges: 20_000 });
    heartbeat = ctx.sourceEngine.stream.startHeartbeat(ctx.source, taskId, HEARTBEAT_MS, () => undefined);
    await metrics.init();
    metrics.start();
    await setStatus(taskId, TaskStatus.Running);
    await recordEvent(taskId, 'info', `Incremental Data Synchronization running from source position ${from ?? 'the slot start'}`);
    await runIncremental({
      stream,
      writer,
      mappings,
      conflicts: conflictHandling({ ...ctx.task, replayUntil: stored.replayUntil }, ctx.settings.conflictPolicy),
      metrics,
      signal,
      maxBatchChanges: 20_000,
      rpsLimit: ctx.settings.incrementalRps,
      bpsLimit: ctx.settings.incrementalBps,
      onApplied: () => hooks.progress(),
    });
  } finally {
    await heartbeat?.stop();
    await stream?.close();
    await writer.close();
    await metrics.stop();
  }
}

/**
 * Where streaming starts after this snapshot, and until where it replays over it. A full load
 * started again after a failure keeps the capture position of the first attempt (tables it
 * finished are not copied again, and hold data as of then); the new snapshot is newer, so the
 * changes up to its position replay over it. A slot (PostgreSQL) gives back that same first
 * position; an engine without one (MySQL) gives the new snapshot's.
 */
function handoff(task: TaskContext['task'], snapshot: SnapshotSession): { position: string; replayUntil: string | null } {
  const earlier = task.syncIncremental ? task.checkpoint : null;
  if (!earlier || earlier === snapshot.position) return { position: snapshot.position, replayUntil: snapshot.replayUntil };
  return { position: earlier, replayUntil: snapshot.replayUntil ?? snapshot.position };
}

/** at most this many objects left out are recorded one by one; the rest are counted in one event */
const MAX_WARNING_EVENTS = 100;

/** objects Schema Synchronization leaves out, each as a warning the operator sees in the events */
async function recordPlanWarnings(taskId: string, warnings: string[]): Promise<void> {
  for (const w of warnings.slice(0, MAX_WARNING_EVENTS)) await recordEvent(taskId, 'warn', `Schema Synchronization: ${w}`);
  if (warnings.length > MAX_WARNING_EVENTS) {
    await recordEvent(taskId, 'warn', `Schema Synchronization: ${warnings.length - MAX_WARNING_EVENTS} more object(s) are not created (the first ${MAX_WARNING_EVENTS} are listed above).`);
  }
}

/** the bulk format the target prefers among those the source can produce */
function bulkFormat(ctx: TaskContext): BulkStream['format'] {
  const formats = ctx.targetEngine.writer.bulkFormats;
  // COPY passes through only between PostgreSQL servers; binary COPY needs identical column
  // types, which holds when this task created the tables
  if (ctx.sourceEngine.name === 'postgres' && formats.includes('pg-copy-binary') && ctx.task.syncSchema) return 'pg-copy-binary';
  if (ctx.sourceEngine.name === 'postgres' && formats.includes('pg-copy-text')) return 'pg-copy-text';
  return 'rows';
}

/**
 * The tables a task synchronizes are fixed when it first starts (its table progress rows). A
 * table created later in a selected schema is not added: its rows would need a full load and
 * a publication change that DDL synchronization will bring; the operator is told.
 */
async function frozenMappings(taskId: string, resolved: TableMapping[], catalog: Catalog): Promise<TableMapping[]> {
  const t = await taskTables(taskId, resolved);
  if (t.fresh) {
    await ensureProgressRows(taskId, resolved, catalog);
    return resolved;
  }
  if (t.added.length) {
    const names = t.added.map((m) => `${m.source.schema}.${m.source.name}`).join(', ');
    await recordEvent(taskId, 'warn', `Not synchronized: table(s) created after the task started: ${names}. Create a new task for them.`);
  }
  if (t.missing.length) throw new Error(`Selected table(s) no longer exist on the source: ${t.missing.join(', ')}`);
  return t.kept;
}

export function originFor(taskId: string): string {
  return `dts_origin_${taskId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}
