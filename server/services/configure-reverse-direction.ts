// Two-way synchronization (seed 003): once the forward direction of a two-way task is Running,
// the operator configures the reverse direction ("Configure Task" on the second task). It runs
// from the forward's destination back to its source with the same accounts, incremental only
// ("Full data goes in the forward direction only") and never with DDL ("DDL operations are
// ignored in the reverse direction"). It is Not Started: the operator prechecks and starts it
// like any task, and both directions then run at once.
import { z } from 'zod';
import { badRequest, conflict, precondition } from '../errors';
import { TaskStatus } from '../task-status';
import { getTask } from './get-task';
import { assertRenameRules } from './rename-rules';
import { createPairedTask, endpointLabel, forwardTables, loadForward, pairedId, reverseSelection } from './reverse-pair';
import { objectSelection, taskSettings } from './task-config';
import type { TaskDetailView } from './task-view';
import { parseInput } from './validate';

export const reverseDirectionInput = z.object({
  /** names on the forward's destination, targetName = names on the forward's source; omit for the forward's tables mapped back */
  objects: objectSelection.optional(),
  /** settings to change from the forward's; merged with them and validated as a whole */
  settings: z.record(z.string().max(64), z.unknown()).optional(),
});
export type ReverseDirectionInput = z.input<typeof reverseDirectionInput>;

export const EXCLUDE_DDL_FORWARD_ONLY =
  'Exclude DDL Operations is set only for the forward direction: DDL is synchronized only from the source to the destination';

/** Rules every reverse direction of a two-way pair keeps, here and when it is configured later. */
export function checkReverseDirectionChange(change: { settings?: Record<string, unknown>; syncTypes?: { schema: boolean; full: boolean } }): void {
  if (change.settings && 'excludeDdl' in change.settings) throw badRequest(EXCLUDE_DDL_FORWARD_ONLY, 'settings.excludeDdl');
  if (change.syncTypes && (change.syncTypes.schema || change.syncTypes.full)) {
    throw badRequest('The reverse direction of a two-way synchronization is incremental only: schema and full data go in the forward direction only', 'syncTypes');
  }
}

export async function configureReverseDirection(forwardId: string, input: ReverseDirectionInput = {}): Promise<TaskDetailView> {
  const u = parseInput(reverseDirectionInput, input);
  checkReverseDirectionChange(u);
  assertRenameRules(u.objects);
  const fwd = await loadForward(forwardId);
  if (fwd.topology !== 'TwoWay') {
    throw precondition(`Task ${forwardId} is a ${fwd.topology === 'Reverse' ? 'reverse' : 'one-way'} task; the reverse direction is configured only for a task whose Synchronization Topology is Two-way Synchronization`);
  }
  if (fwd.direction !== 'Forward') {
    throw precondition(`Task ${forwardId} is the reverse direction of a two-way synchronization; configure it from the forward direction ${pairedId(fwd) ?? ''}`.trim());
  }
  const existing = pairedId(fwd);
  if (existing) throw conflict(`The reverse direction of task ${forwardId} is already configured: task ${existing}`);
  const notRunning = (status: string) =>
    precondition(`The reverse direction can be configured once the forward one is Running: task ${forwardId} is ${status}; wait until its initial synchronization is complete`);
  if (fwd.status !== TaskStatus.Running) throw notRunning(fwd.status);

  const settings = parseInput(taskSettings, { ...(fwd.settings as object), ...u.settings, excludeDdl: true }, 'settings');
  const objects = u.objects ?? reverseSelection(await forwardTables(fwd));
  const id = await createPairedTask(fwd, {
    name: `${fwd.name} (reverse direction)`,
    topology: 'TwoWay',
    objects,
    settings,
    check(locked, paired) {
      if (paired) throw conflict(`The reverse direction of task ${forwardId} is already configured: task ${paired}`);
      if (locked.status !== TaskStatus.Running) throw notRunning(locked.status);
    },
    events: (rid) => ({
      forward: `Reverse direction ${rid} configured; run its precheck and start it`,
      reverse: `Reverse direction of the two-way synchronization ${forwardId}: incremental data from ${endpointLabel(fwd.dest)} to ${endpointLabel(fwd.source)}, without DDL`,
    }),
  });
  return getTask(id);
}
