// The wording of the three actions, after seed 000's procedures (display text only: what each
// action does and whether it may run is decided by the server, server/services/failover.ts).
import type { PairAction } from '../data/failover';

export interface ProcedureStep {
  /** the step's name as the server reports it */
  step: string;
  explain: string;
}

export interface Confirmation {
  key: 'writesStopped' | 'servicesSwitched' | 'endForward';
  label: string;
  help?: string;
  required: boolean;
}

export interface ActionText {
  title: string;
  run: string;
  /** one line: when to use it */
  when: string;
  procedure: ProcedureStep[];
  /** where the sequences are moved */
  sequencesOn: string;
  confirmations: Confirmation[];
  done: string;
}

export const ACTION_TEXT: Record<PairAction, ActionText> = {
  failover: {
    title: 'Failover (disaster recovery)',
    run: 'Run Failover',
    when: 'Use this when the production database cannot be connected due to an exception: your services are restored on the disaster recovery database.',
    procedure: [
      { step: 'Pause the forward task', explain: 'Pause the original DTS task (unless you already paused it).' },
      { step: 'Move sequences', explain: 'Move the synchronized sequences on the disaster recovery database, so that new rows there do not reuse keys made on production.' },
      { step: 'Start the reverse task', explain: 'Start the reverse task: it synchronizes data written to the disaster recovery database back to the original production database once production can be reached.' },
    ],
    sequencesOn: 'the disaster recovery database (the destination of the forward task)',
    confirmations: [
      {
        key: 'servicesSwitched',
        label: 'Switch your services to the disaster recovery database',
        help: 'I will switch my services to the disaster recovery database: after the failover, business data is written there.',
        required: true,
      },
    ],
    done: 'Failover complete: the reverse task synchronizes the disaster recovery database back to production. After production is restored, run Switch Back.',
  },
  switchBack: {
    title: 'Switch Back',
    run: 'Run Switch Back',
    when: 'After the production database is restored: switch your services back to the production database and resume the synchronization tasks.',
    procedure: [
      { step: 'Wait until the reverse task has no latency', explain: 'Wait until the reverse task has synchronized everything written to the disaster recovery database.' },
      { step: 'Pause the reverse task', explain: 'Pause the reverse task.' },
      { step: 'Move sequences', explain: 'Move the synchronized sequences on the production database, after the keys made on the disaster recovery database.' },
      { step: 'Start the forward task', explain: 'Start the original forward synchronization task.' },
      { step: 'Lift the write fence', explain: 'Make the production database writable for applications again (the fence of a switchover).' },
    ],
    sequencesOn: 'the original production database (the source of the forward task)',
    confirmations: [{ key: 'servicesSwitched', label: 'I have switched my services back to the original production database', required: true }],
    done: 'Switch back complete: the forward task synchronizes production to the disaster recovery database again.',
  },
  switchover: {
    title: 'Switchover',
    run: 'Run Switchover',
    when: 'A planned service switchover: your services move to the destination database of the forward task, and the reverse task keeps the original database up to date.',
    procedure: [
      { step: 'Writes stopped', explain: 'You stop writing business data and confirm it.' },
      {
        step: 'Fence the source against writes',
        explain:
          'DTS makes the source database read-only for applications (PostgreSQL: default_transaction_read_only on the database, and the sessions that started before are ended; MySQL: read_only). Where the source account may not, DTS stops and shows the statements to run.',
      },
      { step: 'Wait until the forward task has applied through the source position', explain: "Wait until incremental data synchronization has applied everything up to the source's position at the fence." },
      {
        step: 'Check that no change arrives after the fence',
        explain: 'If changes still arrive, the switchover stops, says how many, starts the forward task again and lifts the fence: nothing is lost.',
      },
      { step: 'Pause the forward task', explain: 'Pause the original DTS task.' },
      { step: 'Move sequences', explain: 'Move the synchronized sequences on the destination database of the forward task, so that new rows there do not reuse keys.' },
      { step: 'Start the reverse task', explain: 'Start the reverse task, then switch your services to the destination database of the forward task.' },
      { step: 'End the forward task', explain: 'Optionally, end the forward task (you can release it afterwards).' },
    ],
    sequencesOn: 'the destination database of the forward task',
    confirmations: [
      {
        key: 'writesStopped',
        label: 'I have stopped writing business data. To prevent data loss, you must temporarily stop your services and prohibit new data from being written to the database.',
        required: true,
      },
      { key: 'endForward', label: 'End the forward task after the switchover', help: 'You can end or release the forward synchronization task afterwards as well.', required: false },
    ],
    done: 'Switchover complete: switch your services to the destination database of the forward task.',
  },
};

/** the server's event messages for an action's steps (server/services/pair-procedure.ts runProcedure()) */
export function parseActionEvent(
  action: PairAction,
  message: string,
): { kind: 'started' } | { kind: 'continued' } | { kind: 'step'; step: string; detail: string } | { kind: 'stopped'; reason: string } | null {
  if (message === `${action} started`) return { kind: 'started' };
  if (message === `${action} continued`) return { kind: 'continued' };
  const stepPrefix = `${action} step: `;
  if (message.startsWith(stepPrefix)) {
    const rest = message.slice(stepPrefix.length);
    const i = rest.indexOf(': ');
    return i < 0 ? { kind: 'step', step: rest, detail: '' } : { kind: 'step', step: rest.slice(0, i), detail: rest.slice(i + 2) };
  }
  const stopPrefix = `${action} stopped: `;
  if (message.startsWith(stopPrefix)) return { kind: 'stopped', reason: message.slice(stopPrefix.length) };
  return null;
}
