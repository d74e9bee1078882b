// The tables a task synchronizes are fixed when it first starts: its table progress rows.
import { db } from '../db';
import type { TableMapping } from '../engines/types';
import { tableKey } from '../engines/types';

export interface TaskTables {
  /** no progress rows yet: the task has not started */
  fresh: boolean;
  /** mappings of the task's tables, in the order given */
  kept: TableMapping[];
  /** tables the selection now resolves to that the task did not start with */
  added: TableMapping[];
  /** tables the task started with that the selection no longer resolves to (dropped) */
  missing: string[];
}

export async function taskTables(taskId: string, resolved: TableMapping[]): Promise<TaskTables> {
  const rows = await db().tableProgress.findMany({ where: { taskId }, select: { sourceSchema: true, sourceTable: true } });
  if (!rows.length) return { fresh: true, kept: resolved, added: [], missing: [] };
  const known = new Map(rows.map((r) => [tableKey({ schema: r.sourceSchema, name: r.sourceTable }), `${r.sourceSchema}.${r.sourceTable}`]));
  const resolvedKeys = new Set(resolved.map((m) => tableKey(m.source)));
  return {
    fresh: false,
    kept: resolved.filter((m) => known.has(tableKey(m.source))),
    added: resolved.filter((m) => !known.has(tableKey(m.source))),
    missing: [...known.entries()].filter(([k]) => !resolvedKeys.has(k)).map(([, name]) => name),
  };
}
