// Metric samples of a task in a time range (latency, RPS, BPS and cumulative counters).
import { z } from 'zod';
import { db } from '../db';
import { notFound } from '../errors';
import { toMetricView, type MetricView } from './task-view';

export const listMetricsInput = z.object({
  taskId: z.string().min(1).max(64),
  /** default: one hour before `to` */
  from: z.coerce.date().optional(),
  /** default: now */
  to: z.coerce.date().optional(),
  limit: z.number().int().min(1).max(10_000).default(3600),
});
export type ListMetricsInput = z.input<typeof listMetricsInput>;

export async function listTaskMetrics(input: ListMetricsInput): Promise<{ from: Date; to: Date; samples: MetricView[] }> {
  const q = listMetricsInput.parse(input);
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - 3600_000);
  const exists = await db().task.count({ where: { id: q.taskId } });
  if (!exists) throw notFound(`Task ${q.taskId}`);
  // the newest `limit` samples of the range, returned oldest first
  const rows = await db().metricSample.findMany({
    where: { taskId: q.taskId, at: { gte: from, lte: to } },
    orderBy: { at: 'desc' },
    take: q.limit,
  });
  return { from, to, samples: rows.reverse().map(toMetricView) };
}
