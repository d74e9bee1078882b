// A forward task of the schema `app` and its reverse task, collecting and ready to start: what
// the failover and switchover tests start from.
import { createTask, setDesired, waitStatus, type Pair } from './harness';

export async function reversePair(pair: Pair, setupSql: string): Promise<{ fwd: string; rev: string }> {
  const { createReverseTask } = await import('../../server/services/create-reverse-task');
  await pair.source.query('src', setupSql);
  const fwd = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] } });
  await setDesired(fwd, 'Running');
  await waitStatus(fwd, 'Running');
  const rev = (await createReverseTask(fwd)).id;
  await waitStatus(rev, 'Performing Initial Synchronization', 60_000);
  // the reverse task's WAL retention warning must be ignored before it can start
  await (await import('../../server/services/run-precheck')).ignorePrecheckWarnings(rev);
  return { fwd, rev };
}

/** the steps a switchover reports, as the console's dialog lists them (without the optional End) */
export async function switchoverSteps(): Promise<string[]> {
  const { ACTION_TEXT } = await import('../../components/failover/action-text');
  return ACTION_TEXT.switchover.procedure.map((p) => p.step).filter((s) => s !== 'End the forward task');
}

/** the steps a switch back reports, as the console's dialog lists them */
export async function switchBackSteps(): Promise<string[]> {
  const { ACTION_TEXT } = await import('../../components/failover/action-text');
  return ACTION_TEXT.switchBack.procedure.map((p) => p.step);
}
