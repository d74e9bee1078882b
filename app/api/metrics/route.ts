// Prometheus metrics, for a scraper with an API token (Authorization: Bearer <token>).
import { handleMetrics } from '../../../server/api/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function GET(req: Request): Promise<Response> {
  return handleMetrics(req);
}
