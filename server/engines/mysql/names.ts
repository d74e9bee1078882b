// Names of the objects a task creates on MySQL servers, all in one database so an operator sees
// them at a glance and release can drop them (and the database, once empty).
import type { TableRef } from '../types';

/** the database holding DTS's own tables on a MySQL server */
export const DTS_DATABASE = 'dts';
/** heartbeat table on the source, one row per task, updated every second */
export const HEARTBEAT: TableRef = { schema: DTS_DATABASE, name: 'dts_heartbeat' };
/** checkpoint table on the target: the position and count of source changes applied, per task */
export const CHECKPOINT: TableRef = { schema: DTS_DATABASE, name: 'dts_checkpoint' };
/**
 * marker table on the target (two-way and reverse tasks): every transaction a task applies
 * also updates its row here, so the opposite direction's binlog reader knows the transaction
 * came from DTS and drops it
 */
export const MARKER: TableRef = { schema: DTS_DATABASE, name: 'dts_marker' };

/** databases that are never offered or synchronized */
export const SYSTEM_DATABASES = new Set(['mysql', 'information_schema', 'performance_schema', 'sys', DTS_DATABASE]);

/**
 * The binlog reader's server id for a task: distinct per task (two readers with one id kick each
 * other off, errno 4052), and far from the small ids servers use.
 */
export function readerServerId(taskId: string): number {
  let h = 2166136261;
  for (let i = 0; i < taskId.length; i++) {
    h ^= taskId.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return 100_000_000 + (h % 4_000_000_000);
}
