'use client';
// One metric over time (latency, RPS or BPS) as a small area chart, with its loading and
// empty states. The range is fixed to [from, to], so gaps in the samples show as gaps.
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Loading } from '../ui/states';
import { downsample, withGaps, type Point } from './downsample';

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (t: number, withSeconds: boolean) => {
  const d = new Date(t);
  return withSeconds ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export interface MetricChartProps {
  title: string;
  /** data-testid of the chart card */
  testId: string;
  points: Point[];
  from: number;
  to: number;
  format: (v: number) => string;
  /** shorter labels for the value axis; defaults to `format` */
  axisFormat?: (v: number) => string;
  color?: string;
  loading?: boolean;
  /** longest interval between samples that is not a gap */
  gapMs?: number;
}

/** evenly spaced time ticks on whole minutes (or seconds for short ranges) */
function timeTicks(from: number, to: number, count = 5): number[] {
  const step = (to - from) / count;
  const unit = step >= 60_000 ? 60_000 : 1000;
  const out: number[] = [];
  for (let i = 1; i <= count; i++) out.push(Math.round((from + step * i - step / 2) / unit) * unit);
  return out;
}

export function MetricChart({ title, testId, points, from, to, format, axisFormat = format, color = '#ff6a00', loading = false, gapMs = 30_000 }: MetricChartProps) {
  const inRange = points.filter((p) => p.t >= from && p.t <= to);
  const data = withGaps(downsample(inRange, 600), gapMs);
  const last = [...inRange].reverse().find((p) => p.v !== null);
  const gradient = `fill-${testId}`;
  return (
    <figure data-testid={testId} className="min-w-0 rounded-sm border border-gray-200 bg-white" aria-label={title}>
      <figcaption className="flex items-baseline justify-between border-b border-gray-100 px-3 py-2 text-sm">
        <span className="font-medium text-gray-800">{title}</span>
        <span className="text-xs text-gray-500 tabular-nums">{last?.v != null ? `Current: ${format(last.v)}` : ''}</span>
      </figcaption>
      <div className="h-48 w-full px-1 py-2">
        {loading ? (
          <Loading what="Loading metrics" />
        ) : inRange.length === 0 ? (
          <div className="flex h-full items-center justify-center text-sm text-gray-400">No data yet</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={data} margin={{ top: 4, right: 12, bottom: 0, left: 4 }}>
              <defs>
                <linearGradient id={gradient} x1="0" y1="0" x2="0" y2="1">
                  <stop offset="0%" stopColor={color} stopOpacity={0.25} />
                  <stop offset="100%" stopColor={color} stopOpacity={0.02} />
                </linearGradient>
              </defs>
              <CartesianGrid stroke="#f0f0f0" vertical={false} />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={[from, to]}
                ticks={timeTicks(from, to)}
                tickFormatter={(t: number) => clock(t, false)}
                tick={{ fontSize: 11, fill: '#6b7280' }}
                minTickGap={24}
              />
              <YAxis tickFormatter={(v: number) => axisFormat(v)} tick={{ fontSize: 11, fill: '#6b7280' }} width={64} allowDecimals={false} />
              <Tooltip
                labelFormatter={(t) => clock(Number(t), true)}
                formatter={(v) => [typeof v === 'number' ? format(v) : '-', title]}
                contentStyle={{ fontSize: 12, borderRadius: 2 }}
              />
              <Area type="monotone" dataKey="v" stroke={color} strokeWidth={1.5} fill={`url(#${gradient})`} isAnimationActive={false} connectNulls={false} dot={false} />
            </AreaChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
