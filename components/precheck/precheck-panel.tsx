'use client';
// The precheck view (seed 003 steps 9–10): the success rate, the check items as they complete,
// View Details of a failed item, Confirm Alert Details → Ignore of a warning, Precheck Again,
// and Start Task once the success rate is 100%. Reused by the task details page.
import { useState, type ReactNode } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useReadOnlyReason } from '../data/me';
import { usePrecheckActions, usePrecheckRun } from '../data/wizard';
import { Button } from '../ui/button';
import { ProgressBar } from '../ui/progress';
import { ResultBadge } from '../ui/status-badge';
import { ErrorMessage, Loading } from '../ui/states';
import { formatTime } from '../ui/format';
import { AlertDetailsDialog, ItemDetailsDialog, type PrecheckItem } from './precheck-item-dialogs';
import { precheckVerdict } from './verdict';

const STATE_TEXT: Record<string, string> = {
  running: 'Prechecking',
  passed: 'Precheck completed',
  failed: 'Precheck failed',
  outdated: 'The task settings changed after this precheck: run the precheck again',
};

/** the run's state in words; a passed run with warnings to confirm says so (pure: verdict.ts) */
const stateText = (r: { state: string; successRate: number; warnings: number; ignored: number }) =>
  r.state === 'passed' && r.successRate < 100 ? precheckVerdict(r).text : (STATE_TEXT[r.state] ?? r.state);

export function PrecheckPanel({ taskId, onStarted, actions }: { taskId: string; onStarted?: () => void; actions?: ReactNode }) {
  const router = useRouter();
  const run = usePrecheckRun(taskId);
  const act = usePrecheckActions(taskId);
  // a viewer (the read-only role) sees Precheck Again, Start Task and Ignore disabled, with the reason
  const readOnly = useReadOnlyReason('tasks');
  const [open, setOpen] = useState<{ item: PrecheckItem; kind: 'fail' | 'warn' } | null>(null);
  const r = run.data;
  const notFound = run.error?.data?.code === 'NOT_FOUND';
  const running = r?.state === 'running' || act.run.isPending;
  const canStart = r?.state === 'passed' && r.successRate === 100 && !act.start.isPending;

  const again = () => {
    act.start.reset();
    act.run.mutate({ id: taskId });
  };
  const start = () =>
    act.start.mutate({ id: taskId }, { onSuccess: () => (onStarted ? onStarted() : router.push('/')) });
  const ignore = (item: PrecheckItem) =>
    act.ignore.mutate({ id: taskId, keys: [item.key] }, { onSuccess: () => setOpen(null) });

  return (
    <section aria-label="Precheck" className="space-y-4" data-testid="precheck-panel">
      <div className="rounded-sm border border-gray-200 bg-white p-4">
        <div className="flex flex-wrap items-center gap-4">
          <span className="text-sm text-gray-600">Success Rate</span>
          <span data-testid="precheck-success-rate" className="text-2xl font-semibold tabular-nums text-gray-900">
            {r ? `${r.successRate}%` : '-'}
          </span>
          <div className="min-w-60 flex-1">
            <ProgressBar value={r?.successRate ?? 0} label="Success Rate" tone={r?.state === 'failed' ? 'red' : r?.successRate === 100 ? 'green' : 'orange'} />
          </div>
        </div>
        {r && (
          <p className="mt-2 text-xs text-gray-500" data-testid="precheck-state" data-state={r.state}>
            {stateText(r)} · {r.passed} passed, {r.warnings} warnings ({r.ignored} ignored), {r.failed} failed{r.pending ? `, ${r.pending} checking` : ''} · started {formatTime(r.startedAt)}
            {r.state === 'running' && <span className="ml-2 inline-block h-2 w-2 animate-pulse rounded-full bg-blue-600" aria-hidden />}
          </p>
        )}
      </div>

      <div className="overflow-x-auto rounded-sm border border-gray-200 bg-white">
        <table className="w-full text-sm" data-testid="precheck-items">
          <thead className="bg-gray-100 text-left text-xs text-gray-600">
            <tr>
              <th className="px-3 py-2 font-medium">Check Item</th>
              <th className="w-32 px-3 py-2 font-medium">Check Result</th>
              <th className="w-48 px-3 py-2 font-medium">Actions</th>
            </tr>
          </thead>
          <tbody>
            {r?.items.map((item) => (
              <tr key={item.key} className="border-t border-gray-100" data-testid="precheck-item" data-key={item.key} data-result={item.ignored ? 'ignored' : item.result}>
                <td className="px-3 py-2">{item.name}</td>
                <td className="px-3 py-2">
                  <ResultBadge result={item.ignored ? 'ignored' : item.result} />
                </td>
                <td className="px-3 py-2">
                  {item.result === 'fail' && (
                    <Button variant="link" onClick={() => setOpen({ item, kind: 'fail' })}>
                      View Details
                    </Button>
                  )}
                  {item.result === 'warn' && (
                    <Button variant="link" onClick={() => setOpen({ item, kind: 'warn' })}>
                      Confirm Alert Details
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {run.isPending && <Loading what="Loading the precheck" />}
        {r?.state === 'running' && <Loading what="Running the remaining check items" />}
        {notFound ? <p className="p-4 text-sm text-gray-500">No precheck has run for this task yet: click Precheck Again.</p> : <ErrorMessage error={run.error} className="m-3" />}
      </div>

      <ErrorMessage error={act.run.error ?? act.start.error} />
      <div className="flex flex-wrap items-center gap-2">
        {actions}
        <Button onClick={again} disabled={running} disabledReason={readOnly}>
          Precheck Again
        </Button>
        <Button variant="primary" onClick={start} disabled={!canStart} disabledReason={readOnly} title={canStart ? undefined : 'The task can be started when the success rate is 100%'}>
          {act.start.isPending ? 'Starting…' : 'Start Task'}
        </Button>
        <Link href="/" className="ml-2 text-sm text-[#0070cc] hover:text-[#ff6a00] hover:underline">
          Back
        </Link>
      </div>

      {open?.kind === 'fail' && <ItemDetailsDialog item={open.item} onClose={() => setOpen(null)} />}
      {open?.kind === 'warn' && (
        <AlertDetailsDialog
          item={open.item}
          onClose={() => {
            act.ignore.reset();
            setOpen(null);
          }}
          onIgnore={() => ignore(open.item)}
          pending={act.ignore.isPending}
          error={act.ignore.error}
          disabledReason={readOnly}
        />
      )}
    </section>
  );
}
