'use client';
// Step 1 of the failover dialogs: the server's readiness report, shown as given.
import type { Readiness } from '../data/failover';
import { formatLatency } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import type { ActionText } from './action-text';

const TH = 'px-3 py-1.5 whitespace-nowrap text-left text-xs font-normal text-gray-500';
const TD = 'px-3 py-1.5 text-xs';

function TasksTable({ r }: { r: Readiness }) {
  const rows = [
    { role: 'Forward task', t: r.forward, conflicts: r.conflictsLastHour.forward },
    { role: 'Reverse task', t: r.reverse, conflicts: r.conflictsLastHour.reverse },
  ];
  return (
    <table className="w-full border border-gray-200" aria-label="Tasks">
      <thead className="bg-gray-50">
        <tr>
          <th className={TH}>Task</th>
          <th className={TH}>ID</th>
          <th className={TH}>Status</th>
          <th className={TH}>Desired State</th>
          <th className={TH}>Latency</th>
          <th className={TH}>Conflicts (Last Hour)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ role, t, conflicts }) => (
          <tr key={role} className="border-t border-gray-100">
            <td className={`${TD} whitespace-nowrap`}>{role}</td>
            <td className={`${TD} font-mono`}>{t.id}</td>
            <td className={TD}>
              <StatusBadge status={t.status} />
            </td>
            <td className={TD}>{t.desiredState}</td>
            <td className={`${TD} tabular-nums`}>{formatLatency(t.latencyMs)}</td>
            <td className={`${TD} tabular-nums ${conflicts > 0 ? 'text-orange-700' : ''}`}>{conflicts}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SequencesTable({ r, on }: { r: Readiness; on: string }) {
  return (
    <section aria-label="Sequences">
      <h3 className="mb-1 text-sm font-medium">Sequences to be moved</h3>
      <p className="mb-2 text-xs text-gray-500">On {on}.</p>
      {r.sequences.length === 0 ? (
        <p className="rounded-sm border border-gray-200 px-3 py-2 text-xs text-gray-500">No synchronized sequence.</p>
      ) : (
        <table className="w-full border border-gray-200" data-testid="readiness-sequences">
          <thead className="bg-gray-50">
            <tr>
              <th className={TH}>Table.Column</th>
              <th className={TH}>Sequence</th>
              <th className={TH}>Next Value</th>
              <th className={TH}>Basis</th>
            </tr>
          </thead>
          <tbody>
            {r.sequences.map((s) => (
              <tr key={`${s.table.schema}.${s.table.name}.${s.column}`} className="border-t border-gray-100">
                <td className={`${TD} font-mono`}>
                  {s.table.schema}.{s.table.name}.{s.column}
                </td>
                <td className={`${TD} font-mono`}>{s.sequence ?? '-'}</td>
                <td className={`${TD} tabular-nums`}>{s.next}</td>
                <td className={`${TD} text-gray-600`}>{s.basis}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ReadinessReport({ readiness: r, text }: { readiness: Readiness; text: ActionText }) {
  return (
    <div className="space-y-4" data-testid="readiness-report">
      <div>
        <p className="mb-2 text-gray-700">{text.when}</p>
        <ol className="list-decimal space-y-0.5 pl-5 text-xs text-gray-600">
          {text.procedure.map((p) => (
            <li key={p.step}>
              <span className="font-medium text-gray-800">{p.step}:</span> {p.explain}
            </li>
          ))}
        </ol>
      </div>
      <TasksTable r={r} />
      <SequencesTable r={r} on={text.sequencesOn} />
      {r.warnings.length > 0 && (
        <div className="rounded-sm border border-orange-200 bg-orange-50 px-3 py-2 text-xs text-orange-800" data-testid="readiness-warnings">
          <p className="mb-1 font-medium">Warnings</p>
          <ul className="list-disc space-y-0.5 pl-4">
            {r.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {r.blockers.length > 0 && (
        <div role="alert" className="rounded-sm border border-red-200 bg-red-50 px-3 py-2 text-xs text-red-700" data-testid="readiness-blockers">
          <p className="mb-1 font-medium">{text.title} cannot run:</p>
          <ul className="list-disc space-y-0.5 pl-4">
            {r.blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
