'use client';
// The latest precheck of a task that has not run yet: its result, and "View Precheck" to open
// the precheck (its items, Precheck Again, Start Task) on this page.
import { useState } from 'react';
import type { TaskDetail } from '../data/tasks';
import { PrecheckPanel } from '../precheck/precheck-panel';
import { precheckVerdict } from '../precheck/verdict';
import { formatTime } from '../ui/format';

const SHOWN_FOR = ['Not Started', 'Prechecking', 'Precheck Failed'];
const TONE = { green: 'border-green-200 bg-green-50', red: 'border-red-200 bg-red-50', orange: 'border-orange-200 bg-orange-50', blue: 'border-blue-200 bg-blue-50' } as const;

export function PrecheckLink({ task }: { task: TaskDetail }) {
  const [open, setOpen] = useState(false);
  const p = task.precheck;
  // also a reverse task that collects changes after its precheck, while a warning is not ignored yet
  const pending = task.desiredState === 'Stopped' && p !== null && p.successRate < 100;
  if (!p || !(SHOWN_FOR.includes(task.status) || pending)) return null;
  const verdict = precheckVerdict(p);
  return (
    <section id="precheck" aria-label="Precheck" data-testid="precheck-summary" data-tone={verdict.tone} className={`rounded-sm border ${TONE[verdict.tone]}`}>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2 text-sm">
        <span className="font-medium text-gray-800">Precheck</span>
        <span className="text-gray-700">
          {verdict.text} · Success rate {p.successRate}% · {p.passed} passed, {p.warnings} warning(s), {p.failed} failed
        </span>
        <span className="text-xs text-gray-500">{formatTime(p.finishedAt ?? p.startedAt)}</span>
        <button type="button" aria-expanded={open} className="ml-auto text-[#0070cc] hover:text-[#ff6a00] hover:underline" onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide Precheck' : 'View Precheck'}
        </button>
      </div>
      {open && (
        <div className="border-t border-gray-200 bg-white p-4">
          <PrecheckPanel taskId={task.id} onStarted={() => setOpen(false)} />
        </div>
      )}
    </section>
  );
}
