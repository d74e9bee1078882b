// Metrics (latency, RPS, BPS by time range) and task events (paged by id).
import { z } from 'zod';
import { listEventsInput, listTaskEvents } from '../../services/list-task-events';
import { listMetricsInput, listTaskMetrics } from '../../services/list-task-metrics';
import { eventView, metricView } from '../../services/task-view';
import { protectedProcedure, router } from '../trpc';

export const metricsRouter = router({
  series: protectedProcedure
    .input(listMetricsInput)
    .output(z.object({ from: z.date(), to: z.date(), samples: z.array(metricView) }))
    .query(({ input }) => listTaskMetrics(input)),
});

export const eventsRouter = router({
  list: protectedProcedure
    .input(listEventsInput)
    .output(z.object({ items: z.array(eventView), lastId: z.number().nullable() }))
    .query(({ input }) => listTaskEvents(input)),
});
