// What the API returns about tasks: zod schemas (used as tRPC output validators, which also
// strip anything not listed, such as Endpoint.passwordEnc) and the mappers from Prisma rows.
import { z } from 'zod';
import type { Conflict, Endpoint, MetricSample, PrecheckItem, PrecheckRun, TableProgress, Task, TaskEvent } from '../generated/prisma/client';
import { TASK_ACTIONS, allowedActions } from './task-actions';
import { objectSelection, taskSettings } from './task-config';
import { progressModuleView, tableEstimate } from './progress-modules';
import { liveness, unownedReason } from './task-liveness';

export const endpointView = z.object({
  id: z.number(),
  engine: z.enum(['postgres', 'mysql', 'mongodb', 'sqlserver']),
  host: z.string(),
  port: z.number(),
  database: z.string(),
  user: z.string(),
  ssl: z.enum(['disable', 'require', 'verify-full']).nullable(),
  hasPassword: z.boolean(),
});

export const metricView = z.object({
  at: z.date(),
  latencyMs: z.number().nullable(),
  rps: z.number(),
  bps: z.number(),
  rowsApplied: z.number(),
  bytesApplied: z.number(),
});

export const precheckItemView = z.object({
  id: z.number(),
  key: z.string(),
  name: z.string(),
  /** pending: listed at the start of the run, not finished yet */
  result: z.enum(['pass', 'warn', 'fail', 'pending']),
  cause: z.string().nullable(),
  fix: z.string().nullable(),
  ignored: z.boolean(),
});

export const precheckRunView = z.object({
  id: z.number(),
  taskId: z.string(),
  state: z.string(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  total: z.number(),
  passed: z.number(),
  warnings: z.number(),
  failed: z.number(),
  ignored: z.number(),
  /** items listed but not finished yet */
  pending: z.number(),
  /** (pass + ignored warn) / total, 0..100, rounded down: items not finished count against it */
  successRate: z.number(),
  items: z.array(precheckItemView),
});

export const tableProgressView = z.object({
  sourceSchema: z.string(),
  sourceTable: z.string(),
  targetSchema: z.string(),
  targetTable: z.string(),
  phase: z.string(),
  rowsDone: z.number(),
  rowsEstimated: z.number(),
  bytesDone: z.number(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});

export const eventView = z.object({
  id: z.number(),
  taskId: z.string(),
  level: z.string(),
  message: z.string(),
  createdAt: z.date(),
});

/**
 * What the task's capture keeps on its source so that it can resume (services/retained-probe.ts
 * measures it periodically): the WAL behind its replication slot (PostgreSQL), or the binlog
 * files from its position on (MySQL). Release frees it.
 */
export const retainedView = z.object({
  kind: z.enum(['wal', 'binlog']),
  /** bytes; null when unknown (note says why) */
  bytes: z.number().nullable(),
  /** when it was measured; null when no measurement has succeeded yet */
  at: z.date().nullable(),
  /** PostgreSQL 13+: the slot's wal_status (reserved, extended, unreserved, lost) */
  walStatus: z.string().nullable(),
  /** PostgreSQL 13+: safe_wal_size, WAL that may still be written before the slot is in danger */
  safeBytes: z.number().nullable(),
  note: z.string().nullable(),
});

export const taskSummaryView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  statusReason: z.string().nullable(),
  desiredState: z.enum(['Stopped', 'Running', 'Paused', 'Ended', 'Released']),
  topology: z.enum(['OneWay', 'TwoWay', 'Reverse']),
  /** Forward, or Reverse for a reverse task and the second direction of a two-way pair */
  direction: z.enum(['Forward', 'Reverse']),
  stage: z.string(),
  syncTypes: z.object({ schema: z.boolean(), full: z.boolean(), incremental: z.boolean() }),
  source: endpointView,
  destination: endpointView,
  createdAt: z.date(),
  updatedAt: z.date(),
  startedAt: z.date().nullable(),
  /**
   * the latest metric sample; its latencyMs keeps growing from the sample while nothing is
   * applied (Paused, Retrying, Failed, or no replicator runs the task)
   */
  latest: metricView.nullable(),
  /** the task should be running and no replicator holds it (statusReason says so) */
  unowned: z.boolean(),
  /** the reverse task, the forward task of a reverse task, or the other direction of a two-way pair */
  paired: z.object({ id: z.string(), status: z.string() }).nullable(),
  /** full data synchronization over all tables: rows copied and estimated */
  progress: z.object({ rowsDone: z.number(), rowsEstimated: z.number(), tables: z.number(), tablesDone: z.number() }).nullable(),
  /** the actions the task's state allows (the services still decide) */
  actions: z.array(z.enum(TASK_ACTIONS)),
  /** the WAL or binlog the task keeps on its source; null when it was never measured */
  retained: retainedView.nullable(),
});

export const taskDetailView = taskSummaryView.extend({
  objects: objectSelection,
  settings: taskSettings,
  checkpoint: z.string().nullable(),
  retryingSince: z.date().nullable(),
  retryKind: z.string().nullable(),
  peerTaskId: z.string().nullable(),
  /** the forward direction of a two-way pair: its reverse direction, or null until configured ("Configure Task") */
  reverseDirection: z.object({ id: z.string(), status: z.string() }).nullable(),
  /** conflicts recorded by this task, in all */
  conflictCount: z.number(),
  tables: z.array(tableProgressView),
  precheck: precheckRunView.nullable(),
  events: z.array(eventView),
  /** the Progress section: Schema Synchronization, Full Data Synchronization, Incremental Data Collection, Incremental Write */
  modules: z.array(progressModuleView),
  /** a failover, switch back or switchover of this task's pair that runs now, or stopped midway and waits to be continued */
  procedure: z
    .object({ action: z.enum(['failover', 'switchBack', 'switchover']), state: z.enum(['Running', 'Stopped', 'Interrupted']), summary: z.string() })
    .nullable(),
});

export const conflictView = z.object({
  id: z.number(),
  taskId: z.string(),
  /** destination table, "schema.table" */
  table: z.string(),
  /** key values by destination column */
  key: z.record(z.string(), z.unknown()),
  kind: z.enum(['unique_conflict', 'update_differs', 'update_missing', 'delete_missing']),
  op: z.enum(['insert', 'update', 'delete']),
  /** the Conflict Resolution Policy in force */
  policy: z.string(),
  action: z.enum(['overwritten', 'ignored', 'failed', 'inserted', 'skipped']),
  /** the source's row image, by destination column */
  sourceImage: z.record(z.string(), z.unknown()).nullable(),
  /** for an UPDATE, the source's old row image (before the change), by destination column */
  beforeImage: z.record(z.string(), z.unknown()).nullable(),
  /** the destination's row before the change, or null when there was none */
  targetImage: z.record(z.string(), z.unknown()).nullable(),
  /** source position of the transaction, and its commit time on the source */
  position: z.string(),
  sourceTime: z.date(),
  createdAt: z.date(),
});

export type EndpointView = z.infer<typeof endpointView>;
export type MetricView = z.infer<typeof metricView>;
export type PrecheckRunView = z.infer<typeof precheckRunView>;
export type TaskSummaryView = z.infer<typeof taskSummaryView>;
export type RetainedView = z.infer<typeof retainedView>;
export type TaskDetailView = z.infer<typeof taskDetailView>;
export type EventView = z.infer<typeof eventView>;
export type ConflictView = z.infer<typeof conflictView>;

export const sslOf = (options: unknown): EndpointView['ssl'] => {
  const ssl = options && typeof options === 'object' ? (options as { ssl?: unknown }).ssl : undefined;
  return ssl === 'disable' || ssl === 'require' || ssl === 'verify-full' ? ssl : null;
};

export function toEndpointView(e: Endpoint): EndpointView {
  return { id: e.id, engine: e.engine, host: e.host, port: e.port, database: e.database, user: e.user, ssl: sslOf(e.options), hasPassword: e.passwordEnc.length > 0 };
}

export function toMetricView(m: MetricSample): MetricView {
  return { at: m.at, latencyMs: m.latencyMs, rps: m.rps, bps: m.bps, rowsApplied: Number(m.rowsApplied), bytesApplied: Number(m.bytesApplied) };
}

export function toEventView(e: TaskEvent): EventView {
  return { id: Number(e.id), taskId: e.taskId, level: e.level, message: e.message, createdAt: e.createdAt };
}

export function toTableProgressView(t: TableProgress): z.infer<typeof tableProgressView> {
  return {
    sourceSchema: t.sourceSchema,
    sourceTable: t.sourceTable,
    targetSchema: t.targetSchema,
    targetTable: t.targetTable,
    phase: t.phase,
    rowsDone: Number(t.rowsDone),
    rowsEstimated: Number(t.rowsEstimated),
    bytesDone: Number(t.bytesDone),
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
  };
}

const asResult = (r: string): 'pass' | 'warn' | 'fail' | 'pending' => (r === 'pass' || r === 'warn' || r === 'pending' ? r : 'fail');

/**
 * Success rate as the console shows it: passed items plus ignored warnings over all items,
 * the ones still pending included (a run with 2 of 19 items done is not at 100 %).
 */
export function precheckStats(items: Array<Pick<PrecheckItem, 'result' | 'ignored'>>): {
  total: number; passed: number; warnings: number; failed: number; ignored: number; pending: number; successRate: number;
} {
  const total = items.length;
  const passed = items.filter((i) => i.result === 'pass').length;
  const warnings = items.filter((i) => i.result === 'warn').length;
  const ignored = items.filter((i) => i.result === 'warn' && i.ignored).length;
  const pending = items.filter((i) => i.result === 'pending').length;
  const failed = total - passed - warnings - pending;
  const successRate = total === 0 ? 0 : Math.floor(((passed + ignored) * 100) / total);
  return { total, passed, warnings, failed, ignored, pending, successRate };
}

export function toPrecheckRunView(run: PrecheckRun & { items: PrecheckItem[] }): PrecheckRunView {
  return {
    id: run.id,
    taskId: run.taskId,
    state: run.state,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...precheckStats(run.items),
    items: run.items.map((i) => ({ id: i.id, key: i.key, name: i.name, result: asResult(i.result), cause: i.cause, fix: i.fix, ignored: i.ignored })),
  };
}

const RETAINED_KIND: Partial<Record<Endpoint['engine'], RetainedView['kind']>> = { postgres: 'wal', mysql: 'binlog' };
const asNumber = (n: bigint | null): number | null => (n === null ? null : Number(n));

export function toRetainedView(t: TaskWithEndpoints): RetainedView | null {
  const kind = RETAINED_KIND[t.source.engine];
  if (!kind || (t.retainedAt === null && t.retainedNote === null)) return null;
  return {
    kind,
    bytes: asNumber(t.retainedBytes),
    at: t.retainedAt,
    walStatus: t.retainedWalStatus,
    safeBytes: asNumber(t.retainedSafeBytes),
    note: t.retainedNote,
  };
}

type PeerBrief = { id: string; status: string; desiredState: string };
export type TaskWithEndpoints = Task & { source: Endpoint; dest: Endpoint };
/** a task as the list and the detail page read it: with its paired task, from either side of the link */
export type TaskWithPeer = TaskWithEndpoints & { peer?: PeerBrief | null; peerOf?: PeerBrief | null };

export interface SummaryExtras {
  latest: MetricSample | null;
  precheckState: string | null;
  progress: TaskSummaryView['progress'];
  /** a replicator holds the task (task-liveness.ts ownedTasks) */
  owned: boolean;
}

export function toTaskSummaryView(t: TaskWithPeer, extra: SummaryExtras): TaskSummaryView {
  const latest = extra.latest;
  const paired = t.peer ?? t.peerOf ?? null;
  const live = liveness(t, extra.owned, latest);
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    statusReason: live.unowned ? unownedReason(latest) : t.statusReason,
    unowned: live.unowned,
    desiredState: t.desiredState,
    topology: t.topology,
    direction: t.direction,
    stage: t.stage,
    syncTypes: { schema: t.syncSchema, full: t.syncFull, incremental: t.syncIncremental },
    source: toEndpointView(t.source),
    destination: toEndpointView(t.dest),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    startedAt: t.startedAt,
    latest: latest ? { ...toMetricView(latest), latencyMs: live.latencyMs } : null,
    paired: paired ? { id: paired.id, status: paired.status } : null,
    progress: extra.progress,
    actions: allowedActions({
      status: t.status,
      desiredState: t.desiredState,
      topology: t.topology,
      direction: t.direction,
      syncIncremental: t.syncIncremental,
      startedAt: t.startedAt,
      precheckState: extra.precheckState,
      paired,
    }),
    retained: toRetainedView(t),
  };
}

/** initial synchronization progress over a task's tables */
export function progressOf(tables: Array<Pick<TableProgress, 'rowsDone' | 'rowsEstimated' | 'phase'>>): TaskSummaryView['progress'] {
  if (tables.length === 0) return null;
  let rowsDone = 0;
  let rowsEstimated = 0;
  let tablesDone = 0;
  for (const t of tables) {
    rowsDone += Number(t.rowsDone);
    rowsEstimated += tableEstimate(t);
    if (t.phase === 'done') tablesDone++;
  }
  return { rowsDone, rowsEstimated, tables: tables.length, tablesDone };
}

export function toTaskDetailView(
  t: TaskWithPeer & { tables: TableProgress[] },
  extra: {
    latest: MetricSample | null;
    precheck: (PrecheckRun & { items: PrecheckItem[] }) | null;
    events: TaskEvent[];
    reverseDirection: TaskDetailView['reverseDirection'];
    conflictCount: number;
    modules: TaskDetailView['modules'];
    owned: boolean;
    procedure: TaskDetailView['procedure'];
  },
): TaskDetailView {
  return {
    ...toTaskSummaryView(t, { latest: extra.latest, precheckState: extra.precheck?.state ?? null, progress: progressOf(t.tables), owned: extra.owned }),
    objects: objectSelection.parse(t.objects),
    settings: taskSettings.parse(t.settings),
    checkpoint: t.checkpoint,
    retryingSince: t.retryingSince,
    retryKind: t.retryKind,
    peerTaskId: t.peerTaskId,
    reverseDirection: extra.reverseDirection,
    conflictCount: extra.conflictCount,
    tables: t.tables.map(toTableProgressView),
    precheck: extra.precheck ? toPrecheckRunView(extra.precheck) : null,
    events: extra.events.map(toEventView),
    modules: extra.modules,
    procedure: extra.procedure,
  };
}

const asObject = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

function parseKey(text: string): Record<string, unknown> {
  try {
    return asObject(JSON.parse(text)) ?? { key: text };
  } catch {
    return { key: text };
  }
}

export function toConflictView(c: Conflict): ConflictView {
  return {
    id: c.id,
    taskId: c.taskId,
    table: c.tableName,
    key: parseKey(c.keyText),
    kind: c.kind as ConflictView['kind'],
    op: c.op as ConflictView['op'],
    policy: c.policy,
    action: c.action as ConflictView['action'],
    sourceImage: asObject(c.sourceImage),
    beforeImage: asObject(c.beforeImage),
    targetImage: asObject(c.targetImage),
    position: c.position,
    sourceTime: c.sourceTime,
    createdAt: c.createdAt,
  };
}
