// The API over HTTP as a fetch handler: /api/trpc/* (tRPC) and /api/metrics (Prometheus).
// The Next route handlers call it, and so can any server that speaks fetch Requests.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { AppError } from '../errors';
import { requireBearer } from '../services/api-tokens';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusMetrics } from '../services/prometheus-metrics';
import { appRouter } from './root';
import { createContext } from './trpc';

export const TRPC_ENDPOINT = '/api/trpc';

export function handleTrpc(req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    createContext,
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'}: ${error.message}`);
    },
  });
}

export async function handleMetrics(req: Request): Promise<Response> {
  try {
    await requireBearer(req.headers.get('authorization'));
  } catch (e) {
    const message = e instanceof AppError ? e.message : 'unauthorized';
    return new Response(`${message}\n`, { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' } });
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
