// Names of the objects a task creates on PostgreSQL servers. Release drops each of them.
import type { TableRef } from '../types';

/** replication slot and publication on the source: dts_sync_<task> */
export const slotName = (taskId: string): string => `dts_sync_${taskId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
export const publicationName = slotName;
/** heartbeat table on the source (the seed's name), one row per task */
export const HEARTBEAT: TableRef = { schema: 'public', name: 'dts_postgres_heartbeat' };
/**
 * checkpoint table on the target: the exact count of source changes each task applied, and its
 * position when the account may not use replication origins (then it is the truth)
 */
export const CHECKPOINT: TableRef = { schema: 'public', name: 'dts_sync_checkpoint' };
