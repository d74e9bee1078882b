// Create Reverse Task (seed 000): from a running one-way task, a task from the old destination
// back to the old source. Incremental only, with the same objects mapped back. It is prechecked
// at once; when the precheck passes its slot is created on the old destination, so it collects
// changes from then on (not those the forward task applies), but writes nothing until started.
import { conflict, precondition } from '../errors';
import { TaskStatus } from '../task-status';
import { getTask } from './get-task';
import { createPairedTask, endpointLabel, forwardTables, loadForward, pairedId, reverseSelection } from './reverse-pair';
import { startPrecheck } from './run-precheck';
import { taskSettings } from './task-config';
import type { TaskDetailView } from './task-view';

export type ReverseConflictPolicy = 'TaskFailed' | 'Ignore' | 'Overwrite';

/**
 * `conflictPolicy`: what the reverse task does when a row it writes back conflicts with one on
 * the old source; Overwrite (the default) lets the side that took over writes win.
 */
export async function createReverseTask(forwardId: string, opts: { conflictPolicy?: ReverseConflictPolicy } = {}): Promise<TaskDetailView> {
  const fwd = await loadForward(forwardId);
  if (fwd.topology !== 'OneWay') throw precondition(`Task ${forwardId} is a ${fwd.topology === 'Reverse' ? 'reverse' : 'two-way'} task; a reverse task can be created only for a one-way synchronization task`);
  const existing = pairedId(fwd);
  if (existing) throw conflict(`Task ${forwardId} already has the reverse task ${existing}; you can create only one reverse task for each task`);
  if (fwd.status !== TaskStatus.Running || !fwd.syncIncremental) {
    throw precondition(`Create the reverse task when task ${forwardId} is Running with incremental synchronization (it is ${fwd.status})`);
  }

  // no WHERE filter in the reverse direction: it writes back whatever is written on the old
  // destination (rows a forward filter left out exist only on the old source anyway)
  const reverse = reverseSelection(await forwardTables(fwd));
  const conflictPolicy = opts.conflictPolicy ?? 'Overwrite';
  const settings = taskSettings.parse({ ...(fwd.settings as object), conflictPolicy });

  const id = await createPairedTask(fwd, {
    name: `${fwd.name} (reverse)`,
    topology: 'Reverse',
    objects: reverse,
    settings,
    check(locked, paired) {
      if (paired) throw conflict(`Task ${forwardId} already has a reverse task; you can create only one reverse task for each task`);
      if (locked.status !== TaskStatus.Running) throw precondition(`Create the reverse task when task ${forwardId} is Running (it is ${locked.status})`);
    },
    events: (rid) => ({
      forward: `Reverse task ${rid} created`,
      reverse: `Reverse task of ${forwardId}: incremental data from ${endpointLabel(fwd.dest)} back to ${endpointLabel(fwd.source)}; Conflict Resolution Policy: ${conflictPolicy}`,
    }),
  });
  // "A precheck is immediately performed after a reverse instance is created"
  await startPrecheck(id);
  return getTask(id);
}
