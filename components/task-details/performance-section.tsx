'use client';
// Performance: latency, RPS and BPS of incremental synchronization over the last 15 minutes,
// 1 hour or 6 hours, refreshed with the page (Auto Refresh).
import { useState } from 'react';
import { MetricChart } from '../charts/metric-chart';
import { METRIC_RANGES, useMetricSeries, type MetricRangeKey } from '../data/task-details';
import { Choice } from '../ui/field';
import { formatBytes, formatLatency, formatNumber } from '../ui/format';
import { ErrorMessage } from '../ui/states';
import { Section } from './section';

export function PerformanceSection({ taskId, autoRefresh }: { taskId: string; autoRefresh: boolean }) {
  const [rangeKey, setRangeKey] = useState<MetricRangeKey>('15m');
  const range = METRIC_RANGES.find((r) => r.key === rangeKey) ?? METRIC_RANGES[0];
  const q = useMetricSeries(taskId, range.ms, autoRefresh);
  // the window ends at the newest answer's time, so the charts move with each refresh
  const to = q.data ? q.data.to.getTime() : q.now;
  const from = to - range.ms;
  const samples = q.data?.samples ?? [];
  const series = (pick: (s: (typeof samples)[number]) => number | null) => samples.map((s) => ({ t: s.at.getTime(), v: pick(s) }));
  const loading = q.isPending;
  return (
    <Section
      id="performance"
      title="Performance"
      testId="performance-section"
      extra={<Choice name="Time range" value={rangeKey} options={METRIC_RANGES.map((r) => ({ value: r.key, label: r.label }))} onChange={setRangeKey} />}
    >
      <ErrorMessage error={q.error} className="mb-3" />
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-3">
        <MetricChart title="Latency" testId="chart-latency" points={series((s) => s.latencyMs)} from={from} to={to} format={formatLatency} loading={loading} color="#ff6a00" />
        <MetricChart title="RPS (records/s)" testId="chart-rps" points={series((s) => s.rps)} from={from} to={to} format={(v) => formatNumber(v)} loading={loading} color="#0070cc" />
        <MetricChart title="BPS (bytes/s)" testId="chart-bps" points={series((s) => s.bps)} from={from} to={to} format={(v) => `${formatBytes(v)}/s`} axisFormat={formatBytes} loading={loading} color="#16a34a" />
      </div>
      <p className="mt-2 text-xs text-gray-500">Incremental data synchronization is sampled every 5 seconds; full data synchronization is shown in Progress.</p>
    </Section>
  );
}
