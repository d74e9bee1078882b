'use client';
// A plain list of tasks: ID/Name, Status, source and destination, latency.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc-provider';

const STATUS_COLOR: Record<string, string> = {
  Running: 'text-green-700',
  Failed: 'text-red-600',
  'Precheck Failed': 'text-red-600',
  Retrying: 'text-orange-600',
  Paused: 'text-gray-500',
};

export function TaskList() {
  const trpc = useTRPC();
  const tasks = useQuery(trpc.tasks.list.queryOptions({}, { refetchInterval: 5000 }));
  if (tasks.isPending) return <p className="text-sm text-gray-500">Loading…</p>;
  if (tasks.error) return <p role="alert" className="text-sm text-red-600">{tasks.error.message}</p>;
  if (tasks.data.items.length === 0) return <p className="text-sm text-gray-500">No tasks yet. Create one with `dts task create task.json`.</p>;
  return (
    <table className="w-full border-collapse bg-white text-sm">
      <thead>
        <tr className="border-b border-gray-200 bg-gray-100 text-left">
          <th className="px-3 py-2">ID/Name</th>
          <th className="px-3 py-2">Status</th>
          <th className="px-3 py-2">Source/Destination</th>
          <th className="px-3 py-2">Latency</th>
        </tr>
      </thead>
      <tbody>
        {tasks.data.items.map((t) => (
          <tr key={t.id} className="border-b border-gray-100">
            <td className="px-3 py-2">
              <div className="font-mono text-xs">{t.id}</div>
              <div>{t.name}</div>
            </td>
            <td className={`px-3 py-2 ${STATUS_COLOR[t.status] ?? ''}`}>{t.status}</td>
            <td className="px-3 py-2">
              <div>{`${t.source.host}:${t.source.port}/${t.source.database}`}</div>
              <div>{`${t.destination.host}:${t.destination.port}/${t.destination.database}`}</div>
            </td>
            <td className="px-3 py-2">{t.latest?.latencyMs != null ? `${(t.latest.latencyMs / 1000).toFixed(1)} s` : '-'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
