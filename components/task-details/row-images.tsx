'use client';
// The row images of a conflict side by side: column, the source's old value (an UPDATE's before
// image), the source's new value, the destination's value; a source value that differs from the
// destination's is highlighted (compared as values: 0.00 and 0 are the same).
import { sameValue } from './value-compare';

type Image = Record<string, unknown> | null;

const show = (v: unknown): string => (v === undefined ? '' : v === null ? 'NULL' : typeof v === 'string' ? v : JSON.stringify(v));

export function RowImages({ source, before = null, target }: { source: Image; before?: Image; target: Image }) {
  const columns = [...new Set([...Object.keys(source ?? {}), ...Object.keys(target ?? {})])];
  if (columns.length === 0) return <p className="px-3 py-2 text-xs text-gray-500">No row images were recorded.</p>;
  return (
    <table className="w-full table-fixed text-xs" data-testid="conflict-row-images">
      <thead className="bg-gray-100 text-left text-gray-600">
        <tr>
          <th className="w-1/5 px-3 py-1.5 font-medium">Column</th>
          {before && <th className="px-3 py-1.5 font-medium">Source before image</th>}
          <th className="px-3 py-1.5 font-medium">Source image</th>
          <th className="px-3 py-1.5 font-medium">Destination image {target === null && <span className="font-normal text-gray-500">(no row)</span>}</th>
        </tr>
      </thead>
      <tbody>
        {columns.map((col) => {
          const s = source ? show(source[col]) : '';
          const t = target ? show(target[col]) : '';
          const differs = source !== null && target !== null && !sameValue(source[col], target[col]);
          return (
            <tr key={col} data-differs={differs || undefined} className="border-t border-gray-100">
              <td className="truncate px-3 py-1 font-mono text-gray-700">{col}</td>
              {before && <td className="px-3 py-1 font-mono break-all text-gray-600">{show(before[col])}</td>}
              <td className={`px-3 py-1 font-mono break-all ${differs ? 'bg-orange-50 font-semibold text-orange-800' : ''}`}>{source ? s : <span className="text-gray-400">-</span>}</td>
              <td className={`px-3 py-1 font-mono break-all ${differs ? 'bg-orange-50 font-semibold text-orange-800' : ''}`}>{target ? t : <span className="text-gray-400">-</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
