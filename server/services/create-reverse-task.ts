// Create Reverse Task (seed 000): from a running one-way task, a task from the old destination
// back to the old source. Incremental only, with the same objects mapped back. It is prechecked
// at once; when the precheck passes its slot is created on the old destination, so it collects
// changes from then on (not those the forward task applies), but writes nothing until started.
import { db } from '../db';
import { conflict, notFound, precondition } from '../errors';
import type { TableMapping } from '../engines/types';
import { taskTables } from '../pipeline/task-tables';
import { TaskStatus } from '../task-status';
import { newTaskId } from './create-task';
import { endpointToConnection } from './endpoint-config';
import { engineFor, mappingsFor } from './engines';
import { getTask } from './get-task';
import { startPrecheck } from './run-precheck';
import { objectSelection, taskSettings, type ObjectSelection } from './task-config';
import { inTransaction, lockTask } from './task-lock';
import { peerTaskId } from './task-peer';
import type { TaskDetailView } from './task-view';

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

export async function createReverseTask(forwardId: string): Promise<TaskDetailView> {
  const fwd = await db().task.findUnique({ where: { id: forwardId }, include: { source: true, dest: true, peerOf: true } });
  if (!fwd) throw notFound(`Task ${forwardId}`);
  if (fwd.topology !== 'OneWay') throw precondition(`Task ${forwardId} is a ${fwd.topology === 'Reverse' ? 'reverse' : 'two-way'} task; a reverse task can be created only for a one-way synchronization task`);
  const existing = fwd.peerTaskId ?? fwd.peerOf?.id;
  if (existing) throw conflict(`Task ${forwardId} already has the reverse task ${existing}; you can create only one reverse task for each task`);
  if (fwd.status !== TaskStatus.Running || !fwd.syncIncremental) {
    throw precondition(`Create the reverse task when task ${forwardId} is Running with incremental synchronization (it is ${fwd.status})`);
  }

  // the forward task's tables as it synchronizes them, from its source's live catalog
  const selection = objectSelection.parse(fwd.objects);
  const source = endpointToConnection(fwd.source);
  const engine = await engineFor(source.engine);
  const catalog = await engine.introspector.introspect(source, { schemas: [...new Set(selection.schemas.map((s) => s.name))] });
  const mappings = (await taskTables(forwardId, await mappingsFor(catalog, selection))).kept;
  // no WHERE filter in the reverse direction: it writes back whatever is written on the old
  // destination (rows a forward filter left out exist only on the old source anyway)
  const reverse = reverseSelection(mappings);
  const settings = taskSettings.parse({ ...(fwd.settings as object), conflictPolicy: 'Overwrite' });

  const id = newTaskId();
  await inTransaction(async (tx) => {
    const locked = await lockTask(tx, forwardId);
    if ((await peerTaskId(tx, forwardId))?.peerId) throw conflict(`Task ${forwardId} already has a reverse task; you can create only one reverse task for each task`);
    if (locked.status !== TaskStatus.Running) throw precondition(`Create the reverse task when task ${forwardId} is Running (it is ${locked.status})`);
    const copy = (e: typeof fwd.source) => ({ engine: e.engine, host: e.host, port: e.port, database: e.database, user: e.user, passwordEnc: e.passwordEnc, options: e.options ?? {} });
    const newSource = await tx.endpoint.create({ data: copy(fwd.dest) });
    const newDest = await tx.endpoint.create({ data: copy(fwd.source) });
    await tx.task.create({
      data: {
        id,
        name: `${fwd.name} (reverse)`.slice(0, 128),
        sourceId: newSource.id,
        destId: newDest.id,
        syncSchema: false,
        syncFull: false,
        syncIncremental: true,
        topology: 'Reverse',
        peerTaskId: forwardId,
        objects: reverse,
        settings,
        status: TaskStatus.NotStarted,
        desiredState: 'Stopped',
      },
    });
    await tx.task.update({ where: { id: forwardId }, data: { peerTaskId: id } });
    await tx.taskEvent.create({ data: { taskId: forwardId, level: 'info', message: `Reverse task ${id} created` } });
    await tx.taskEvent.create({ data: { taskId: id, level: 'info', message: `Reverse task of ${forwardId}: incremental data from ${fwd.dest.host}:${fwd.dest.port}/${fwd.dest.database} back to ${fwd.source.host}:${fwd.source.port}/${fwd.source.database}` } });
  });
  // "A precheck is immediately performed after a reverse instance is created"
  await startPrecheck(id);
  return getTask(id);
}
