'use client';
// Per-table progress of Full Data Synchronization: a search box, the first tables (up to 5,000
// can be selected), "Show all", and a scrolling list with one progress bar per table.
import { useDeferredValue, useMemo, useState } from 'react';
import type { TableProgress } from '../data/task-details';
import { formatNumber, percent } from '../ui/format';
import { ProgressBar } from '../ui/progress';

const FIRST = 200;
const PHASE: Record<string, string> = { pending: 'Not Started', copying: 'Copying', done: 'Completed' };

export function TableProgressList({ tables }: { tables: TableProgress[] }) {
  const [query, setQuery] = useState('');
  const [all, setAll] = useState(false);
  const q = useDeferredValue(query.trim().toLowerCase());
  const matching = useMemo(() => (q ? tables.filter((t) => `${t.sourceSchema}.${t.sourceTable} ${t.targetSchema}.${t.targetTable}`.toLowerCase().includes(q)) : tables), [tables, q]);
  const shown = all ? matching : matching.slice(0, FIRST);
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center gap-3">
        <input
          type="search"
          aria-label="Search tables"
          placeholder="Search by table name"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="w-64 rounded-sm border border-gray-300 px-2 py-1 text-sm focus:border-[#ff6a00] focus:outline-none"
        />
        <span className="text-xs text-gray-500">
          {shown.length < matching.length ? `Showing ${formatNumber(shown.length)} of ${formatNumber(matching.length)} tables` : `${formatNumber(matching.length)} table(s)`}
        </span>
        {matching.length > FIRST && (
          <button type="button" className="text-sm text-[#0070cc] hover:text-[#ff6a00] hover:underline" onClick={() => setAll((a) => !a)}>
            {all ? `Show first ${FIRST}` : 'Show all'}
          </button>
        )}
      </div>
      <div className="max-h-96 overflow-auto rounded-sm border border-gray-200">
        <table className="w-full table-fixed text-sm">
          <thead className="sticky top-0 z-10 bg-gray-100 text-left text-xs text-gray-600">
            <tr>
              <th className="w-[32%] px-3 py-2 font-medium">Source Table</th>
              <th className="w-[22%] px-3 py-2 font-medium">Destination Table</th>
              <th className="w-[12%] px-3 py-2 font-medium">Status</th>
              <th className="w-[16%] px-3 py-2 text-right font-medium">Rows (done / estimated)</th>
              <th className="w-[18%] px-3 py-2 font-medium">Progress</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((t) => {
              const name = `${t.sourceSchema}.${t.sourceTable}`;
              const estimated = t.phase === 'done' ? t.rowsDone : Math.max(t.rowsEstimated, t.rowsDone);
              return (
                <tr key={name} data-testid={`table-progress-${name}`} className="border-t border-gray-100">
                  <td className="truncate px-3 py-1.5 font-mono text-xs" title={name}>
                    {name}
                  </td>
                  <td className="truncate px-3 py-1.5 font-mono text-xs text-gray-600" title={`${t.targetSchema}.${t.targetTable}`}>
                    {t.targetSchema}.{t.targetTable}
                  </td>
                  <td className="px-3 py-1.5 text-xs text-gray-700">{PHASE[t.phase] ?? t.phase}</td>
                  <td className="px-3 py-1.5 text-right text-xs tabular-nums">
                    {formatNumber(t.rowsDone)} / {formatNumber(estimated)}
                  </td>
                  <td className="px-3 py-1.5">
                    <ProgressBar value={t.phase === 'done' ? 100 : percent(t.rowsDone, estimated)} label={`${name} progress`} tone={t.phase === 'done' ? 'green' : 'orange'} />
                  </td>
                </tr>
              );
            })}
            {shown.length === 0 && (
              <tr>
                <td colSpan={5} className="px-3 py-6 text-center text-sm text-gray-500">
                  No tables match “{query}”.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
