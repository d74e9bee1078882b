'use client';
// The audit log's table: one row an entry, newest first; a refused or failed call shows its code
// in red, with the server's message on hover and in a details row under it.
import Link from 'next/link';
import type { AuditEntry } from '../data/audit';
import { formatTime } from '../ui/format';
import { actorText, outcomeView } from './audit-format';

const TH = 'border-b border-gray-200 px-2.5 py-2 text-left text-xs font-medium whitespace-nowrap text-gray-600';
const TD = 'px-2.5 py-2 align-top';
const COLUMNS = ['Time', 'User', 'Action', 'Task', 'Target', 'Outcome', 'Client Address'];

export function AuditTable({ items }: { items: AuditEntry[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm" data-testid="audit-table" aria-label="Audit log">
        <thead className="bg-gray-100">
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" className={TH}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <AuditRow key={e.id} e={e} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AuditRow({ e }: { e: AuditEntry }) {
  const actor = actorText(e);
  const outcome = outcomeView(e);
  return (
    <>
      <tr className={`${outcome.message ? '' : 'border-b border-gray-100'} hover:bg-gray-50`} data-testid="audit-row" data-action={e.action} data-outcome={e.outcome} data-username={e.username}>
        <td className={`${TD} text-xs whitespace-nowrap text-gray-600 tabular-nums`}>{formatTime(e.at)}</td>
        <td className={TD}>
          <span className="block">{actor.name}</span>
          <span className="block text-xs text-gray-500">{actor.via}</span>
        </td>
        <td className={`${TD} font-mono text-xs`}>{e.action}</td>
        <td className={`${TD} font-mono text-xs`}>
          {e.taskId ? (
            <Link href={`/tasks/${e.taskId}`} className="text-[#0070cc] hover:text-[#ff6a00] hover:underline">
              {e.taskId}
            </Link>
          ) : (
            <span className="text-gray-400">-</span>
          )}
        </td>
        <td className={`${TD} max-w-80 text-xs break-words text-gray-700`}>{e.target ?? <span className="text-gray-400">-</span>}</td>
        <td className={`${TD} text-xs whitespace-nowrap`} data-testid="audit-outcome">
          <span className={outcome.ok ? 'font-medium text-green-700' : 'font-medium text-red-600'} title={outcome.message ?? undefined}>
            {outcome.label}
          </span>
        </td>
        <td className={`${TD} font-mono text-xs text-gray-600`}>{e.clientAddress ?? '-'}</td>
      </tr>
      {outcome.message && (
        <tr className="border-b border-gray-100" data-testid="audit-message">
          <td />
          <td colSpan={COLUMNS.length - 1} className="px-2.5 pb-2 text-xs whitespace-pre-wrap text-red-700">
            {outcome.message}
          </td>
        </tr>
      )}
    </>
  );
}
