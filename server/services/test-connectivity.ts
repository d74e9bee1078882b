// Test Connectivity: tries to log in to an endpoint and says which side failed and why.
import { z } from 'zod';
import { engineFor } from './engines';
import { describeEndpoint } from './endpoint-config';
import { endpointRef, resolveEndpointRef, type EndpointRef } from './endpoint-source';
import { parseInput } from './validate';

export const connectivityView = z.object({
  side: z.enum(['source', 'destination']),
  ok: z.boolean(),
  serverVersion: z.string().nullable(),
  kind: z.enum(['auth', 'unreachable', 'database', 'other']).nullable(),
  /** e.g. "Source database 10.0.0.5:5432/shop: password authentication failed for user app" */
  message: z.string(),
});
export type ConnectivityView = z.infer<typeof connectivityView>;

export async function testConnectivity(ref: EndpointRef, connectTimeoutMs = 10_000): Promise<ConnectivityView> {
  const { side, config } = await resolveEndpointRef(parseInput(endpointRef, ref), connectTimeoutMs);
  const where = describeEndpoint(side, config);
  try {
    const engine = await engineFor(config.engine);
    const r = await engine.introspector.testConnection(config);
    return {
      side,
      ok: r.ok,
      serverVersion: r.serverVersion ?? null,
      kind: r.ok ? null : (r.kind ?? 'other'),
      message: r.ok ? `${where}: connected${r.serverVersion ? ` (${r.serverVersion})` : ''}` : `${where}: ${r.error ?? 'the connection failed'}`,
    };
  } catch (e) {
    return { side, ok: false, serverVersion: null, kind: 'other', message: `${where}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
