'use client';
// Paired Tasks: the two directions of a two-way synchronization, or a task and its reverse
// task, side by side (status, latency, RPS, links); for the forward direction of a two-way
// pair whose reverse direction is not configured yet, the console's hint and Configure Task.
import Link from 'next/link';
import { useReadOnlyReason } from '../data/me';
import { usePeerTask } from '../data/task-details';
import type { TaskDetail } from '../data/tasks';
import { LinkAction } from '../ui/button';
import { formatLatency, formatNumber } from '../ui/format';
import { ErrorMessage, Loading } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { endpointAddress } from './labels';
import { Section } from './section';

type Side = 'Forward' | 'Reverse';

export function peerIdOf(task: TaskDetail): string | null {
  return task.reverseDirection?.id ?? task.paired?.id ?? task.peerTaskId ?? null;
}

export function hasPairSection(task: TaskDetail): boolean {
  return peerIdOf(task) !== null || (task.topology === 'TwoWay' && task.direction === 'Forward');
}

export function PairedTasks({ task, autoRefresh }: { task: TaskDetail; autoRefresh: boolean }) {
  const peerId = peerIdOf(task);
  const peer = usePeerTask(peerId, autoRefresh);
  const title = task.topology === 'TwoWay' ? 'Two-way Synchronization' : 'Task and Reverse Task';
  const thisSide: Side = task.direction;
  const otherSide: Side = thisSide === 'Forward' ? 'Reverse' : 'Forward';
  const cards = {
    [thisSide]: <DirectionCard side={thisSide} t={task} current />,
    [otherSide]:
      peerId === null ? (
        <NotConfigured task={task} />
      ) : peer.isPending ? (
        <CardFrame side={otherSide}>
          <Loading what="Loading the paired task" />
        </CardFrame>
      ) : peer.error ? (
        <CardFrame side={otherSide}>
          <ErrorMessage error={peer.error} />
        </CardFrame>
      ) : (
        <DirectionCard side={otherSide} t={peer.data} />
      ),
  } as Record<Side, React.ReactNode>;
  return (
    <Section id="paired-tasks" title={title} testId="paired-tasks">
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
        {cards.Forward}
        {cards.Reverse}
      </div>
    </Section>
  );
}

function CardFrame({ side, current = false, children, testId }: { side: Side; current?: boolean; children: React.ReactNode; testId?: string }) {
  return (
    <div data-testid={testId ?? `paired-${side.toLowerCase()}`} className={`rounded-sm border p-3 ${current ? 'border-[#ff6a00]/60 bg-orange-50/30' : 'border-gray-200'}`}>
      <div className="mb-2 flex items-center justify-between text-xs">
        <span className="font-semibold tracking-wide text-gray-500 uppercase">{side}</span>
        {current && <span className="text-[#ff6a00]">This task</span>}
      </div>
      {children}
    </div>
  );
}

function DirectionCard({ side, t, current = false }: { side: Side; t: TaskDetail; current?: boolean }) {
  return (
    <CardFrame side={side} current={current}>
      <div className="flex flex-wrap items-center gap-2">
        {current ? (
          <span className="font-mono text-sm">{t.id}</span>
        ) : (
          <Link href={`/tasks/${t.id}`} className="font-mono text-sm text-[#0070cc] hover:text-[#ff6a00] hover:underline">
            {t.id}
          </Link>
        )}
        <StatusBadge status={t.status} title={t.statusReason} />
      </div>
      <p className="mt-1 truncate text-sm text-gray-800" title={t.name}>
        {t.name}
      </p>
      <p className="mt-1 truncate font-mono text-xs text-gray-500" title={`${endpointAddress(t.source)} → ${endpointAddress(t.destination)}`}>
        {endpointAddress(t.source)} → {endpointAddress(t.destination)}
      </p>
      <dl className="mt-2 flex gap-6 text-xs">
        <div>
          <dt className="text-gray-500">Latency</dt>
          <dd className="font-medium tabular-nums">{formatLatency(t.latest?.latencyMs)}</dd>
        </div>
        <div>
          <dt className="text-gray-500">RPS</dt>
          <dd className="font-medium tabular-nums">{t.latest ? formatNumber(t.latest.rps) : '-'}</dd>
        </div>
      </dl>
    </CardFrame>
  );
}

function NotConfigured({ task }: { task: TaskDetail }) {
  const readOnly = useReadOnlyReason('tasks');
  return (
    <CardFrame side="Reverse" testId="paired-reverse-not-configured">
      <p className="text-sm text-gray-700">The data synchronization task in the reverse direction is not configured yet.</p>
      <p className="mt-1 text-xs text-gray-500">
        Wait until initial synchronization is complete and the task in the forward direction is in the Running state, then configure the task in the reverse direction. Its source is this task&apos;s destination
        ({endpointAddress(task.destination)}) and its destination is this task&apos;s source ({endpointAddress(task.source)}).
      </p>
      {task.actions.includes('configureReverse') && (
        <span className="mt-2 inline-flex">
          <LinkAction
            href={`/tasks/${task.id}/configure?direction=reverse`}
            className="inline-flex items-center rounded-sm border border-[#ff6a00] bg-[#ff6a00] px-3 py-1 text-sm text-white hover:bg-[#e65f00]"
            disabledReason={readOnly}
          >
            Configure Task (reverse direction)
          </LinkAction>
        </span>
      )}
    </CardFrame>
  );
}
