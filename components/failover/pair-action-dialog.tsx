'use client';
// Failover, switchover and switch back (seed 000) as one dialog each: the readiness report, the
// operator's confirmations, then the steps as the server carries them out.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useEventBaseline, useEventsAfter, usePairActions, useReadiness } from '../data/failover';
import { useReadOnlyReason } from '../data/me';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage, Loading } from '../ui/states';
import { ACTION_TEXT } from './action-text';
import { allRequiredChecked, ConfirmStep, type Confirmed } from './confirm-step';
import { ProgressStep } from './progress-step';
import { ReadinessReport } from './readiness-report';
import { StoppedProcedurePanel } from './stopped-procedure';

type Phase = 'readiness' | 'confirm' | 'progress';
const PHASES: Array<{ key: Phase; label: string }> = [
  { key: 'readiness', label: 'Readiness' },
  { key: 'confirm', label: 'Confirm' },
  { key: 'progress', label: 'Progress' },
];

function Stepper({ phase }: { phase: Phase }) {
  const at = PHASES.findIndex((p) => p.key === phase);
  return (
    <ol className="mb-4 flex items-center gap-2 text-xs" aria-label="Steps of the action">
      {PHASES.map((p, i) => (
        <li key={p.key} aria-current={i === at ? 'step' : undefined} className="flex items-center gap-2">
          {i > 0 && <span aria-hidden className={`h-px w-10 ${i <= at ? 'bg-[#ff6a00]' : 'bg-gray-300'}`} />}
          <span
            className={`flex h-5 w-5 items-center justify-center rounded-full border text-[11px] ${i < at ? 'border-[#ff6a00] text-[#ff6a00]' : i === at ? 'border-[#ff6a00] bg-[#ff6a00] text-white' : 'border-gray-300 text-gray-400'}`}
          >
            {i < at ? '✓' : i + 1}
          </span>
          <span className={i === at ? 'font-medium text-gray-900' : 'text-gray-500'}>{p.label}</span>
        </li>
      ))}
    </ol>
  );
}

export function PairActionDialog({ taskId, action, onClose }: { taskId: string; action: 'failover' | 'switchover' | 'switchBack'; onClose: () => void }) {
  const text = ACTION_TEXT[action];
  const [phase, setPhase] = useState<Phase>('readiness');
  const [confirmed, setConfirmed] = useState<Confirmed>({});
  // the Dialog re-focuses when its onClose changes: keep one for the dialog's life
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);
  const close = useCallback(() => closeRef.current(), []);

  const readiness = useReadiness(taskId, action, phase === 'readiness');
  const baseline = useEventBaseline(taskId);
  const actions = usePairActions();
  const readOnly = useReadOnlyReason('tasks');
  // this action stopped midway: the dialog continues it (the confirmations were given when it started)
  const [continuing, setContinuing] = useState(false);
  const stopped = readiness.data?.stopped ?? null;
  const resumable = stopped !== null && stopped.action === action && stopped.state !== 'Running';
  const m = continuing ? actions.continueProcedure : actions[action];
  const events = useEventsAfter(taskId, phase === 'progress' ? baseline.afterId : null, m.isPending);
  const [prior, setPrior] = useState<typeof stopped>(null);

  const run = () => {
    setPhase('progress');
    if (action === 'switchover') actions.switchover.mutate({ id: taskId, writesStopped: confirmed.writesStopped === true, endForward: confirmed.endForward === true });
    else actions[action].mutate({ id: taskId });
  };
  const runContinue = () => {
    setPrior(stopped);
    setContinuing(true);
    setPhase('progress');
    actions.continueProcedure.mutate({ id: taskId });
  };
  const dismiss = () => actions.dismissProcedure.mutate({ id: taskId }, { onSuccess: () => void readiness.refetch() });

  const blocked = (readiness.data?.blockers.length ?? 0) > 0;
  const footer =
    phase === 'readiness' && resumable ? (
      <>
        <Button variant="primary" disabled={blocked || !baseline.ready} disabledReason={readOnly} onClick={runContinue}>
          Continue {text.title}
        </Button>
        <Button disabled={actions.dismissProcedure.isPending} disabledReason={readOnly} onClick={dismiss}>
          Dismiss
        </Button>
        <Button onClick={close}>Cancel</Button>
      </>
    ) : phase === 'readiness' ? (
      <>
        <Button variant="primary" disabled={!readiness.data || blocked} disabledReason={readOnly} onClick={() => setPhase('confirm')}>
          Continue
        </Button>
        <Button onClick={close}>Cancel</Button>
      </>
    ) : phase === 'confirm' ? (
      <>
        <Button onClick={() => setPhase('readiness')}>Previous</Button>
        <Button variant="primary" disabled={!allRequiredChecked(text, confirmed) || !baseline.ready} disabledReason={readOnly} onClick={run}>
          {text.run}
        </Button>
        <Button onClick={close}>Cancel</Button>
      </>
    ) : (
      <Button variant={m.isPending ? 'default' : 'primary'} onClick={close}>
        Close
      </Button>
    );

  return (
    <Dialog title={text.title} onClose={close} footer={footer} width="max-w-4xl">
      <div data-testid="pair-action-dialog" data-action={action} data-phase={phase}>
        <Stepper phase={phase} />
        {phase === 'readiness' &&
          (readiness.isPending ? (
            <Loading what="Checking readiness" />
          ) : readiness.error ? (
            <ErrorMessage error={readiness.error} />
          ) : (
            <>
              {stopped && <StoppedProcedurePanel stopped={stopped} />}
              <ErrorMessage error={actions.dismissProcedure.error} className="mt-3" />
              <ReadinessReport readiness={readiness.data} text={text} />
            </>
          ))}
        {phase === 'confirm' && (
          <>
            <ConfirmStep text={text} confirmed={confirmed} onChange={setConfirmed} />
            <ErrorMessage error={baseline.error} className="mt-3" />
          </>
        )}
        {phase === 'progress' && (
          <ProgressStep
            action={action}
            text={text}
            events={events.data?.items ?? []}
            pending={m.isPending}
            report={m.data}
            error={m.error}
            endForward={continuing ? prior?.endForward === true : confirmed.endForward === true}
            prior={continuing ? (prior?.steps ?? []) : []}
          />
        )}
      </div>
    </Dialog>
  );
}
