'use client';
// Configure Task (seed 003 steps 5–10): Create Task, Configure Task of an existing task, and the
// reverse direction of a two-way synchronization (steps 13–14). This loads what the mode needs
// and hands the initial state to the steps (wizard-body.tsx).
import { useState } from 'react';
import Link from 'next/link';
import { useReadOnlyReason } from '../data/me';
import { useTaskOnce } from '../data/wizard';
import type { TaskDetail } from '../data/tasks';
import { ErrorMessage, Loading } from '../ui/states';
import { defaultForm, formFromTask, reverseFormFromForward } from './form';
import { WizardBody, type WizardInit } from './wizard-body';

export type WizardMode = { kind: 'create' } | { kind: 'edit'; id: string } | { kind: 'reverseDirection'; forwardId: string };

const isReverseDirection = (t: TaskDetail) => t.topology === 'TwoWay' && t.direction === 'Reverse';

function Header({ title, taskId }: { title: string; taskId?: string }) {
  return (
    <div className="flex items-center gap-3">
      <Link href="/" className="text-sm text-[#0070cc] hover:text-[#ff6a00] hover:underline" aria-label="Back to the task list">
        ← Back
      </Link>
      <h1 className="text-lg font-semibold text-gray-900">{title}</h1>
      {taskId && <span className="font-mono text-xs text-gray-500">{taskId}</span>}
    </div>
  );
}

function initFor(mode: WizardMode, task: TaskDetail | undefined, forward: TaskDetail | undefined): WizardInit | null {
  if (mode.kind === 'create') return { form: defaultForm(new Date()), step: 1, saved: null, reverse: false, forward: null };
  if (mode.kind === 'reverseDirection') return task ? { form: reverseFormFromForward(task), step: 1, saved: null, reverse: true, forward: task } : null;
  if (!task) return null;
  const reverse = isReverseDirection(task);
  if (reverse && task.peerTaskId && !forward) return null;
  const precheckStep = task.status === 'Prechecking' || task.status === 'Precheck Failed';
  return { form: formFromTask(task), step: precheckStep ? 4 : 1, saved: { id: task.id, task }, reverse, forward: forward ?? null };
}

export function TaskWizard({ mode }: { mode: WizardMode }) {
  const loadId = mode.kind === 'edit' ? mode.id : mode.kind === 'reverseDirection' ? mode.forwardId : null;
  const task = useTaskOnce(loadId);
  const readOnly = useReadOnlyReason('tasks');
  // editing the reverse direction of a two-way pair: its forward, for the objects it already takes
  const forwardId = mode.kind === 'edit' && task.data && isReverseDirection(task.data) ? task.data.peerTaskId : null;
  const forward = useTaskOnce(forwardId);
  const title = mode.kind === 'create' ? 'Create Task' : mode.kind === 'edit' ? 'Configure Task' : 'Configure Task (reverse direction)';
  const headerId = mode.kind === 'edit' ? mode.id : mode.kind === 'reverseDirection' ? mode.forwardId : undefined;

  // the wizard starts from the task as first loaded: later refreshes (after it saves) do not reset it
  const [started, setStarted] = useState<WizardInit | null>(null);
  const error = started ? null : (task.error ?? forward.error);
  const existingReverse = !started && mode.kind === 'reverseDirection' ? task.data?.reverseDirection : null;
  const init = started ?? (error || existingReverse ? null : initFor(mode, task.data, forward.data));
  if (init && !started) setStarted(init);

  return (
    <div className="mx-auto max-w-7xl space-y-4 p-4" data-testid="task-wizard" data-mode={mode.kind}>
      <Header title={title} taskId={headerId} />
      {readOnly && (
        <p role="status" className="rounded-sm border border-orange-200 bg-orange-50 px-3 py-2 text-sm text-orange-800" data-testid="wizard-read-only">
          {readOnly}: you can look at the settings, but not test the connections or save the task.
        </p>
      )}
      {error && <ErrorMessage error={error} />}
      {existingReverse && (
        <p className="rounded-sm border border-gray-200 bg-white p-4 text-sm">
          The reverse direction of task {headerId} is already configured: task{' '}
          <Link className="text-[#0070cc] hover:underline" href={`/tasks/${existingReverse.id}/configure`}>
            {existingReverse.id}
          </Link>{' '}
          ({existingReverse.status}).
        </p>
      )}
      {!error && !existingReverse && !init && <Loading what="Loading the task" />}
      {init && <WizardBody key={`${mode.kind}:${headerId ?? ''}`} init={init} />}
    </div>
  );
}
