'use client';
// A failover, switch back or switchover of the pair that stopped midway (or was interrupted), as
// the readiness report gives it: the steps done, the step that failed and why. The dialog of the
// same action offers Continue (the steps not done) and Dismiss (leave the tasks as they are).
import type { StoppedProcedure } from '../data/failover';
import { formatTime } from '../ui/format';
import { ACTION_TEXT } from './action-text';

export function StoppedProcedurePanel({ stopped }: { stopped: StoppedProcedure }) {
  const text = ACTION_TEXT[stopped.action];
  const done = new Set(stopped.steps.map((s) => s.step));
  const rest = text.procedure.filter((p) => !done.has(p.step));
  const heading =
    stopped.state === 'Running'
      ? `${text.title} is running`
      : stopped.state === 'Interrupted'
        ? `${text.title} was interrupted`
        : `${text.title} stopped at step "${stopped.failedStep ?? '?'}"`;
  return (
    <section role="alert" aria-label="Stopped procedure" data-testid="stopped-procedure" className="rounded-sm border border-orange-300 bg-orange-50 px-3 py-2 text-xs text-orange-900">
      <p className="mb-1 text-sm font-medium">{heading}</p>
      {stopped.error && <p className="mb-2 break-words whitespace-pre-wrap">{stopped.error}</p>}
      <ol className="space-y-0.5">
        {stopped.steps.map((s) => (
          <li key={s.step} className="flex gap-2">
            <span aria-label="Done" className="text-green-700">
              ✓
            </span>
            <span className="min-w-0 flex-1">
              <span className="font-medium">{s.step}</span>
              {s.detail && <span className="text-orange-800">: {s.detail}</span>}
            </span>
            <span className="shrink-0 tabular-nums">{formatTime(s.at)}</span>
          </li>
        ))}
        {rest.map((p) => (
          <li key={p.step} className="flex gap-2 text-orange-700">
            <span aria-label="Not done">○</span>
            <span>{p.step}</span>
          </li>
        ))}
      </ol>
      {stopped.state !== 'Running' && (
        <p className="mt-2">Continue runs the steps not done yet, after the checks above. Dismiss ends the procedure here and leaves both tasks as they are.</p>
      )}
    </section>
  );
}
