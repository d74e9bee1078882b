// The API over HTTP as a fetch handler: /api/trpc/* (tRPC) and /api/metrics (Prometheus).
// The Next route handlers call it, and so can any server that speaks fetch Requests.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { AppError } from '../errors';
import { requireBearer } from '../services/api-tokens';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusMetrics } from '../services/prometheus-metrics';
import { appRouter } from './root';
import { createContext } from './trpc';

/** the request header our server sets to the client's address (see server/api/request-pipeline.ts) */
export { CLIENT_ADDRESS_HEADER } from './client-address';

export const TRPC_ENDPOINT = '/api/trpc';
/** calls in one tRPC batch request; the console's batch link sends at most as many */
export const MAX_BATCH_SIZE = 10;

export async function handleTrpc(req: Request): Promise<Response> {
  const res = await fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    createContext,
    // a batch of many sign-ins in one request would still be many guesses: at most this many calls
    maxBatchSize: MAX_BATCH_SIZE,
    // internal errors are logged, with a reference the client sees, by the error formatter (trpc.ts)
  });
  // answers are per user: never kept by a browser or a proxy
  res.headers.set('cache-control', 'no-store');
  return res;
}

export async function handleMetrics(req: Request): Promise<Response> {
  try {
    await requireBearer(req.headers.get('authorization'));
  } catch (e) {
    const message = e instanceof AppError ? e.message : 'unauthorized';
    return new Response(`${message}\n`, { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer', 'cache-control': 'no-store' } });
  }
  return new Response(await renderPrometheusMetrics(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' } });
}

/** Routes a request under /api; null when the path is not an API path. */
export async function handleApiRequest(req: Request): Promise<Response | null> {
  const { pathname } = new URL(req.url);
  if (pathname === '/api/metrics' && req.method === 'GET') return handleMetrics(req);
  if (pathname.startsWith(`${TRPC_ENDPOINT}/`)) return handleTrpc(req);
  return null;
}
