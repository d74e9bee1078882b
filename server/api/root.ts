// The API: every router, and the type the clients (console, CLI) are checked against.
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { endpointsRouter } from './routers/endpoints';
import { eventsRouter, metricsRouter } from './routers/metrics';
import { tasksRouter } from './routers/tasks';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  audit: auditRouter,
  endpoints: endpointsRouter,
  tasks: tasksRouter,
  metrics: metricsRouter,
  events: eventsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
