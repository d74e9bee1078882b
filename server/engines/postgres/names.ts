// Names of the objects a task creates on PostgreSQL servers. Release drops each of them.
import type { TableRef } from '../types';

/** replication slot and publication on the source: dts_sync_<task> */
export const slotName = (taskId: string): string => `dts_sync_${taskId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
export const publicationName = slotName;
/**
 * The schema holding DTS's helper tables in every database a task touches, created and owned by
 * the task's account (helper-objects.ts checks that before every use). Never offered or
 * synchronized.
 */
export const HELPER_SCHEMA = 'dts';
/** heartbeat table on the source (the seed's name), one row per task */
export const HEARTBEAT: TableRef = { schema: HELPER_SCHEMA, name: 'dts_postgres_heartbeat' };
/**
 * checkpoint table on the target: the exact count of source changes each task applied, and its
 * position when the account may not use replication origins (then it is the truth)
 */
export const CHECKPOINT: TableRef = { schema: HELPER_SCHEMA, name: 'dts_sync_checkpoint' };
/** where the previous version kept them: read once to carry a task over, then dropped */
export const LEGACY_HEARTBEAT: TableRef = { schema: 'public', name: 'dts_postgres_heartbeat' };
export const LEGACY_CHECKPOINT: TableRef = { schema: 'public', name: 'dts_sync_checkpoint' };
