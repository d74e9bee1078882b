// The tRPC API over HTTP (fetch adapter); see server/api/http.ts.
import { handleTrpc } from '../../../../server/api/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function GET(req: Request): Promise<Response> {
  return handleTrpc(req);
}

export function POST(req: Request): Promise<Response> {
  return handleTrpc(req);
}
