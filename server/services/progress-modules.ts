// The Progress section of the task details page, as the DTS console shows it: one module per
// step of a task (Schema Synchronization, Full Data Synchronization, Incremental Data
// Collection, Incremental Write), each with its status and, for the incremental modules, the
// latency. Pure: computed from the task's status, its stage (server/pipeline/task-runner.ts:
// schema -> full -> incremental -> done), the synchronization types, the per-table phases of
// the full load (pending | copying | done) and the latest metric sample.
import { z } from 'zod';
import { TaskStatus } from '../task-status';

export const PROGRESS_MODULES = ['Schema Synchronization', 'Full Data Synchronization', 'Incremental Data Collection', 'Incremental Write'] as const;
export const MODULE_KEYS = ['schema', 'full', 'incremental-collection', 'incremental-write'] as const;
export const MODULE_STATUSES = ['Not selected', 'Not Started', 'Running', 'Completed', 'Paused', 'Retrying', 'Failed', 'Ended'] as const;

export const progressModuleView = z.object({
  /** a stable key for the page: schema | full | incremental-collection | incremental-write */
  key: z.enum(MODULE_KEYS),
  module: z.enum(PROGRESS_MODULES),
  status: z.enum(MODULE_STATUSES),
  /** incremental modules while they are Running: the latest latency (source commit to destination apply) */
  latencyMs: z.number().nullable(),
  /** one line on what the module does or did */
  detail: z.string().nullable(),
});
export type ProgressModuleView = z.infer<typeof progressModuleView>;
export type ModuleStatus = (typeof MODULE_STATUSES)[number];

export interface ModuleFacts {
  status: string;
  stage: string;
  syncTypes: { schema: boolean; full: boolean; incremental: boolean };
  tables: Array<{ phase: string; rowsDone: number | bigint; rowsEstimated: number | bigint }>;
  latest: { latencyMs: number | null } | null;
  /**
   * a task that collects without running (a reverse task after its precheck, seed 000): the
   * source keeps every change in the task's slot as it commits, written once the task starts
   */
  collecting?: boolean;
}

const STAGE_ORDER: Record<string, number> = { schema: 0, full: 1, incremental: 2, done: 3 };
const NOT_RUN: string[] = [TaskStatus.NotStarted, TaskStatus.Prechecking, TaskStatus.PrecheckFailed];

/** the status of the module the task is at, from the task's status */
function activeStatus(taskStatus: string, stage: string): ModuleStatus {
  switch (taskStatus) {
    case TaskStatus.InitialSync:
    case TaskStatus.Running:
      return 'Running';
    case TaskStatus.Paused:
      return 'Paused';
    case TaskStatus.Retrying:
      return 'Retrying';
    case TaskStatus.Failed:
      return 'Failed';
    case TaskStatus.Finished:
      // incremental synchronization never completes by itself: ending the task completes it
      return stage === 'incremental' || stage === 'done' ? 'Completed' : 'Ended';
    default:
      return 'Not Started';
  }
}

/** status of a selected module that covers the stages [first, last] of the task */
function statusOver(f: ModuleFacts, first: number, last: number): ModuleStatus {
  const at = STAGE_ORDER[f.stage] ?? 0;
  if (NOT_RUN.includes(f.status) && at === 0) return 'Not Started';
  if (at > last) return 'Completed';
  if (at < first) return f.status === TaskStatus.Finished ? 'Ended' : 'Not Started';
  return activeStatus(f.status, f.stage);
}

const count = (n: number | bigint) => Number(n);

/**
 * The rows a table's copy is expected to hold: the estimate (the source's statistics) until it is
 * done, then exactly what was copied. A WHERE filter copies fewer rows than the table holds, and
 * a done table is 100 %. list-tasks.ts sums the same in SQL.
 */
export function tableEstimate(t: { phase: string; rowsDone: number | bigint; rowsEstimated: number | bigint }): number {
  return t.phase === 'done' ? count(t.rowsDone) : Math.max(count(t.rowsEstimated), count(t.rowsDone));
}
const fmt = (n: number) => n.toLocaleString('en-US');

function fullDetail(f: ModuleFacts): string | null {
  if (f.tables.length === 0) return null;
  let done = 0;
  let rows = 0;
  let estimated = 0;
  for (const t of f.tables) {
    if (t.phase === 'done') done++;
    rows += count(t.rowsDone);
    estimated += tableEstimate(t);
  }
  return `${done}/${f.tables.length} table(s), ${fmt(rows)} of about ${fmt(estimated)} row(s) copied`;
}

export function progressModules(f: ModuleFacts): ProgressModuleView[] {
  const { schema, full, incremental } = f.syncTypes;
  const notSelected = (key: ProgressModuleView['key'], module: ProgressModuleView['module']): ProgressModuleView => ({ key, module, status: 'Not selected', latencyMs: null, detail: null });

  const schemaStatus = statusOver(f, 0, 0);
  const schemaModule: ProgressModuleView = schema
    ? {
        key: 'schema',
        module: 'Schema Synchronization',
        status: schemaStatus,
        latencyMs: null,
        detail: schemaStatus === 'Completed' ? 'Tables created on the destination' : schemaStatus === 'Running' ? `Creating ${f.tables.length} table(s) on the destination` : null,
      }
    : notSelected('schema', 'Schema Synchronization');

  const fullModule: ProgressModuleView = full
    ? { key: 'full', module: 'Full Data Synchronization', status: statusOver(f, 1, 1), latencyMs: null, detail: fullDetail(f) }
    : notSelected('full', 'Full Data Synchronization');

  if (!incremental) return [schemaModule, fullModule, notSelected('incremental-collection', 'Incremental Data Collection'), notSelected('incremental-write', 'Incremental Write')];

  // the source keeps the changes from the snapshot of the full load on: collection starts with it
  const collectFrom = full ? 1 : 2;
  const collection = statusOver(f, collectFrom, 2);
  const write = statusOver(f, 2, 2);
  const inIncremental = f.stage === 'incremental';
  // a latency measured before a pause or a failure is stale: shown only while the module runs
  const latency = (s: ModuleStatus) => (inIncremental && s === 'Running' ? (f.latest?.latencyMs ?? null) : null);
  const collectionDetail =
    f.stage === 'full' && collection !== 'Not Started'
      ? 'Changes since the snapshot are kept on the source and applied after Full Data Synchronization'
      : inIncremental && collection === 'Running'
        ? 'Reading changes from the source'
        : null;
  const writeDetail = f.stage === 'full' || f.stage === 'schema' ? (write === 'Not Started' && !NOT_RUN.includes(f.status) ? 'Starts when the initial synchronization is complete' : null) : write === 'Running' ? 'Applying changes to the destination' : null;
  if (f.collecting) {
    // collection is the source's own WAL or binlog kept for the task: nothing lags behind it
    return [
      schemaModule,
      fullModule,
      { key: 'incremental-collection', module: 'Incremental Data Collection', status: 'Running', latencyMs: 0, detail: 'The source keeps every change for this task as it commits; they are written when the task is started' },
      { key: 'incremental-write', module: 'Incremental Write', status: 'Not Started', latencyMs: null, detail: 'Starts when the task is started' },
    ];
  }
  return [
    schemaModule,
    fullModule,
    { key: 'incremental-collection', module: 'Incremental Data Collection', status: collection, latencyMs: latency(collection), detail: collectionDetail },
    { key: 'incremental-write', module: 'Incremental Write', status: write, latencyMs: latency(write), detail: writeDetail },
  ];
}
