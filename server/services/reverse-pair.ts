// What Create Reverse Task (seed 000) and the reverse direction of a two-way synchronization
// (seed 003) share: the forward task's tables mapped back, and a task created with the forward
// task's endpoints swapped (same accounts and encrypted passwords) and linked to it both ways.
import { db } from '../db';
import { notFound, precondition } from '../errors';
import type { TableMapping } from '../engines/types';
import type { Endpoint } from '../generated/prisma/client';
import { taskTables } from '../pipeline/task-tables';
import { TaskStatus } from '../task-status';
import { newTaskId } from './create-task';
import { endpointToConnection } from './endpoint-config';
import { engineFor, mappingsFor } from './engines';
import { objectSelection, type ObjectSelection, type TaskSettings } from './task-config';
import { inTransaction, lockTask, type LockedTask } from './task-lock';
import { peerTaskId } from './task-peer';
import type { TaskWithEndpoints } from './task-view';

export type ForwardTask = TaskWithEndpoints & { peerOf: { id: string } | null };

export async function loadForward(id: string): Promise<ForwardTask> {
  const fwd = await db().task.findUnique({ where: { id }, include: { source: true, dest: true, peerOf: { select: { id: true } } } });
  if (!fwd) throw notFound(`Task ${id}`);
  return fwd;
}

/** the task already paired with this one, if any */
export const pairedId = (t: ForwardTask): string | null => t.peerTaskId ?? t.peerOf?.id ?? null;

/** The forward task's tables as it synchronizes them, from its source's live catalog. */
export async function forwardTables(fwd: TaskWithEndpoints): Promise<TableMapping[]> {
  const selection = objectSelection.parse(fwd.objects);
  const source = endpointToConnection(fwd.source, 'source');
  const engine = await engineFor(source.engine);
  const catalog = await engine.introspector.introspect(source, { schemas: [...new Set(selection.schemas.map((s) => s.name))] });
  return (await taskTables(fwd.id, await mappingsFor(catalog, selection))).kept;
}

/** The forward task's resolved tables, as an explicit selection from the destination back. */
export function reverseSelection(mappings: TableMapping[]): ObjectSelection {
  const schemas = new Map<string, { name: string; targetName: string; tables: NonNullable<ObjectSelection['schemas'][number]['tables']> }>();
  for (const m of mappings) {
    const s = schemas.get(m.target.schema) ?? { name: m.target.schema, targetName: m.source.schema, tables: [] };
    if (s.targetName !== m.source.schema) {
      throw precondition(
        `Schema "${m.target.schema}" on the destination receives tables from "${s.targetName}" and "${m.source.schema}"; a reverse task cannot map it back to one schema`,
      );
    }
    s.tables.push({
      name: m.target.name,
      targetName: m.source.name,
      columns: m.columns.map((c) => ({ name: c.target, targetName: c.source })),
      ops: [...m.ops],
    });
    schemas.set(m.target.schema, s);
  }
  // names are final: no rename rules, and capitalization keeps them as they are
  return { schemas: [...schemas.values()], renameRules: [], capitalization: 'source' };
}

export interface PairedTaskSpec {
  name: string;
  topology: 'Reverse' | 'TwoWay';
  objects: ObjectSelection;
  settings: TaskSettings;
  /** runs with the forward task locked; throws when it may no longer be paired */
  check(locked: LockedTask, pairedWith: string | null): void;
  /** the task event written on each side */
  events(id: string): { forward: string; reverse: string };
}

const copyEndpoint = (e: Endpoint) => ({ engine: e.engine, host: e.host, port: e.port, database: e.database, user: e.user, passwordEnc: e.passwordEnc, options: e.options ?? {} });

/**
 * Creates the reverse-direction task of `fwd`: source = a copy of its destination endpoint,
 * destination = a copy of its source endpoint, incremental only, Not Started, linked both ways.
 */
export async function createPairedTask(fwd: TaskWithEndpoints, spec: PairedTaskSpec): Promise<string> {
  const id = newTaskId();
  await inTransaction(async (tx) => {
    const locked = await lockTask(tx, fwd.id);
    spec.check(locked, (await peerTaskId(tx, fwd.id))?.peerId ?? null);
    const newSource = await tx.endpoint.create({ data: copyEndpoint(fwd.dest) });
    const newDest = await tx.endpoint.create({ data: copyEndpoint(fwd.source) });
    await tx.task.create({
      data: {
        id,
        name: spec.name.slice(0, 128),
        sourceId: newSource.id,
        destId: newDest.id,
        syncSchema: false,
        syncFull: false,
        syncIncremental: true,
        topology: spec.topology,
        direction: 'Reverse',
        peerTaskId: fwd.id,
        objects: spec.objects,
        settings: spec.settings,
        status: TaskStatus.NotStarted,
        desiredState: 'Stopped',
      },
    });
    await tx.task.update({ where: { id: fwd.id }, data: { peerTaskId: id } });
    const events = spec.events(id);
    await tx.taskEvent.create({ data: { taskId: fwd.id, level: 'info', message: events.forward } });
    await tx.taskEvent.create({ data: { taskId: id, level: 'info', message: events.reverse } });
  });
  return id;
}

/** "host:port/database", for the events that describe which way a paired task runs */
export const endpointLabel = (e: Pick<Endpoint, 'host' | 'port' | 'database'>) => `${e.host}:${e.port}/${e.database}`;
