'use client';
// Step 3 of the failover dialogs: the steps as the server carries them out (from the task's
// events while the action runs), then the steps the server returned.
import type { ActionReport, ActionStep, PairAction, TaskEventView } from '../data/failover';
import { formatTime } from '../ui/format';
import { ErrorMessage } from '../ui/states';
import { parseActionEvent, type ActionText } from './action-text';

type RowState = 'done' | 'current' | 'pending' | 'failed';
interface Row {
  step: string;
  detail: string;
  at: Date | null;
  state: RowState;
}

function Mark({ state }: { state: RowState }) {
  if (state === 'done')
    return (
      <span aria-label="Done" className="flex h-4 w-4 shrink-0 items-center justify-center rounded-full bg-green-600 text-[10px] text-white">
        ✓
      </span>
    );
  if (state === 'failed')
    return (
      <span aria-label="Failed" className="flex h-4 w-4 shrink-0 items-center justify-center rounded-full bg-red-600 text-[10px] text-white">
        ×
      </span>
    );
  if (state === 'current') return <span aria-label="In progress" className="inline-block h-4 w-4 shrink-0 animate-spin rounded-full border-2 border-gray-300 border-t-[#ff6a00]" />;
  return <span aria-label="Not started" className="inline-block h-4 w-4 shrink-0 rounded-full border-2 border-gray-300" />;
}

function liveRows(action: PairAction, text: ActionText, events: TaskEventView[], pending: boolean, failed: boolean, endForward: boolean, prior: ActionStep[]): Row[] {
  const rows: Row[] = prior.map((s) => ({ step: s.step, detail: s.detail, at: s.at, state: 'done' as const }));
  let started = false;
  for (const e of events) {
    const p = parseActionEvent(action, e.message);
    if (p?.kind === 'started' || p?.kind === 'continued') started = true;
    if (p?.kind === 'step') rows.push({ step: p.step, detail: p.detail, at: e.createdAt, state: 'done' });
  }
  // refused before its first step (the readiness check): nothing ran
  if (failed && !started) return rows;
  const done = new Set(rows.map((r) => r.step));
  const planned = text.procedure.filter((p) => !done.has(p.step) && (p.step !== 'End the forward task' || endForward));
  if (pending || failed) {
    const [next, ...rest] = planned;
    if (next) rows.push({ step: next.step, detail: pending ? 'in progress…' : '', at: null, state: pending ? 'current' : 'failed' });
    else if (pending) rows.push({ step: 'Finishing', detail: 'in progress…', at: null, state: 'current' });
    if (pending) rows.push(...rest.map((p) => ({ step: p.step, detail: '', at: null, state: 'pending' as const })));
  }
  return rows;
}

export function ProgressStep({
  action,
  text,
  events,
  pending,
  report,
  error,
  endForward,
  prior,
}: {
  action: PairAction;
  text: ActionText;
  events: TaskEventView[];
  pending: boolean;
  report: ActionReport | undefined;
  error: { message: string } | null;
  endForward: boolean;
  /** a continued procedure: the steps its earlier runs did */
  prior: ActionStep[];
}) {
  const rows: Row[] = report
    ? report.steps.map((s) => ({ step: s.step, detail: s.detail, at: s.at, state: 'done' as const }))
    : liveRows(action, text, events, pending, error !== null, endForward, prior);
  return (
    <div className="space-y-3">
      <p className="text-gray-700" role="status">
        {pending ? `${text.title} in progress. The action goes on in the server if you close this dialog.` : report ? text.done : error ? `${text.title} stopped.` : ''}
      </p>
      {rows.length > 0 && (
        <ol className="divide-y divide-gray-100 rounded-sm border border-gray-200" data-testid="action-steps" aria-label="Steps">
          {rows.map((r, i) => (
            <li key={`${i}-${r.step}`} data-step-state={r.state} className={`flex items-start gap-3 px-3 py-2 ${r.state === 'pending' ? 'text-gray-400' : ''}`}>
              <span className="mt-0.5">
                <Mark state={r.state} />
              </span>
              <span className="min-w-0 flex-1">
                <span className="block text-sm font-medium">{r.step}</span>
                {r.detail && <span className={`block text-xs break-words ${r.state === 'current' ? 'text-gray-500' : 'text-gray-600'}`}>{r.detail}</span>}
              </span>
              {r.at && <span className="shrink-0 text-xs text-gray-500 tabular-nums">{formatTime(r.at)}</span>}
            </li>
          ))}
        </ol>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
