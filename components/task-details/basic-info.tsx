'use client';
// Basic Information: the task, its two databases (no passwords: the API never returns them),
// its settings and checkpoint, and the WAL or binlog it keeps on the source.
import { RETAINED_LEVEL_CLASS, releaseFreesText, retainedLevel, retainedText, walStatusText } from '../data/retained';
import type { TaskDetail } from '../data/tasks';
import { EngineIcon } from '../ui/engine-icon';
import { formatNumber, formatTime } from '../ui/format';
import { CONFLICT_POLICY_LABEL, CONFLICTING_TABLES_LABEL, endpointAddress, syncTypesLabel, TOPOLOGY_LABEL } from './labels';
import { Info, InfoGrid, Section } from './section';

export function BasicInfo({ task }: { task: TaskDetail }) {
  const s = task.settings;
  const throttle = (rps: number, bps: number) => (rps === 0 && bps === 0 ? 'Disabled' : `${rps ? `${formatNumber(rps)} RPS` : 'no RPS limit'}, ${bps ? `${formatNumber(bps)} BPS` : 'no BPS limit'}`);
  return (
    <Section id="basic-information" title="Basic Information" testId="basic-information">
      <InfoGrid>
        <Info label="Task ID">
          <span className="font-mono">{task.id}</span>
        </Info>
        <Info label="Task Name">{task.name}</Info>
        <Info label="Synchronization Topology">{TOPOLOGY_LABEL[task.topology]}</Info>
        <Info label="Direction">{task.direction}</Info>
        <Info label="Synchronization Types">{syncTypesLabel(task.syncTypes)}</Info>
        <Info label="Created At">{formatTime(task.createdAt)}</Info>
        <Info label="Started At">{formatTime(task.startedAt)}</Info>
        <Info label="Checkpoint">
          <span className="font-mono text-xs">{task.checkpoint ?? '-'}</span>
        </Info>
        <Info label={task.source.engine === 'mysql' ? 'Retained Binlog' : 'Retained WAL'}>
          <RetainedInfo task={task} />
        </Info>
      </InfoGrid>
      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <EndpointCard title="Source Database" e={task.source} testId="endpoint-source" />
        <EndpointCard title="Destination Database" e={task.destination} testId="endpoint-destination" />
      </div>
      <h3 className="mt-4 mb-2 text-sm font-semibold text-gray-800">Advanced Settings</h3>
      <InfoGrid>
        <Info label="Retry Time for Failed Connections">{s.retryConnectionMinutes} min</Info>
        <Info label="Retry Time for Other Issues">{s.retryOtherMinutes} min</Info>
        <Info label="Processing Mode of Conflicting Tables">{CONFLICTING_TABLES_LABEL[s.conflictingTables]}</Info>
        {task.topology !== 'OneWay' && <Info label="Conflict Resolution Policy">{CONFLICT_POLICY_LABEL[s.conflictPolicy]}</Info>}
        <Info label="Exclude DDL">{s.excludeDdl ? 'Yes' : 'No'}</Info>
        <Info label="Throttling (Full Data)">{throttle(s.fullRps, s.fullBps)}</Info>
        <Info label="Throttling (Incremental)">{throttle(s.incrementalRps, s.incrementalBps)}</Info>
        <Info label="Full Data Parallelism">{s.fullParallelism}</Info>
        <Info label="Environment Tag">{s.environmentTag || '-'}</Info>
      </InfoGrid>
    </Section>
  );
}

/** "1.0 GB (wal_status reserved), measured at …", the note, and what Release does */
function RetainedInfo({ task }: { task: TaskDetail }) {
  const r = task.retained;
  if (!r) return <span data-testid="retained-info">-</span>;
  const status = walStatusText(r);
  return (
    <div data-testid="retained-info">
      <span className={RETAINED_LEVEL_CLASS[retainedLevel(r)]}>{retainedText(r)}</span>
      {status && <span className="text-gray-600"> ({status})</span>}
      {r.at && <span className="text-xs text-gray-500"> measured at {formatTime(r.at)}</span>}
      {r.note && <div className="text-xs text-gray-600">{r.note}</div>}
      <div className="text-xs text-gray-500">{releaseFreesText(r)}</div>
    </div>
  );
}

function EndpointCard({ title, e, testId }: { title: string; e: TaskDetail['source']; testId: string }) {
  return (
    <div data-testid={testId} className="rounded-sm border border-gray-200 bg-gray-50 p-3">
      <h3 className="mb-2 flex items-center gap-2 text-sm font-semibold text-gray-800">
        <EngineIcon engine={e.engine} /> {title}
      </h3>
      <dl className="space-y-1 text-sm">
        <Info label="Instance">
          <span className="font-mono text-xs">{endpointAddress(e)}</span>
        </Info>
        <Info label="Database Account">{e.user}</Info>
        <Info label="Database Password">{e.hasPassword ? '******' : '-'}</Info>
        <Info label="Encryption">{e.ssl ? (e.ssl === 'disable' ? 'Non-encrypted' : `SSL (${e.ssl})`) : 'Non-encrypted'}</Info>
      </dl>
    </div>
  );
}
