// Where a connectivity test or an introspection gets its connection: a definition typed in by
// the operator (with its password), or a side of an existing task (stored password).
import { z } from 'zod';
import { db } from '../db';
import { notFound } from '../errors';
import { refuseMetadataDatabase } from '../metadata-guard';
import { engineFor } from './engines';
import type { ConnectionConfig } from '../engines/types';
import { endpointToConnection, inputToConnection, type EndpointSide } from './endpoint-config';
import { withSavedPassword } from './connections';
import { endpointInput, type EndpointInput } from './task-config';

const side = z.enum(['source', 'destination']);

/**
 * A typed-in endpoint is checked after its side is known, so that an error names the field as the
 * wizard and the task definition do: `source.host`, not `endpoint.host`.
 */
export const endpointRef = z
  .union([
    z.object({
      endpoint: z.custom<z.input<typeof endpointInput>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'endpoint: give the endpoint as an object'),
      side: side.default('source'),
    }),
    z.object({ taskId: z.string().min(1).max(64), side }),
  ])
  .transform((ref, ctx): { endpoint: EndpointInput; side: EndpointSide } | { taskId: string; side: EndpointSide } => {
    if (!('endpoint' in ref)) return ref;
    const r = endpointInput.safeParse(ref.endpoint);
    if (r.success) return { endpoint: r.data, side: ref.side };
    for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [ref.side, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
export type EndpointRef = z.input<typeof endpointRef>;

/**
 * An endpoint reference inside a larger input (introspect, validateFilter): checked by the service
 * with `endpointRef` on its own, so that errors name `source.host` rather than `ref.source.host`.
 */
export const nestedEndpointRef = z.custom<EndpointRef>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'ref: give { endpoint, side } or { taskId, side }');

/** the connection of an endpoint reference; never the metadata database's (MetadataEndpointError) */
export async function resolveEndpointRef(ref: z.infer<typeof endpointRef>, connectTimeoutMs: number): Promise<{ side: EndpointSide; config: ConnectionConfig }> {
  const config = await refConnection(ref, connectTimeoutMs);
  await refuseMetadataDatabase(await engineFor(config.engine), config, ref.side);
  return { side: ref.side, config };
}

async function refConnection(ref: z.infer<typeof endpointRef>, connectTimeoutMs: number): Promise<ConnectionConfig> {
  if ('endpoint' in ref) return inputToConnection(await withSavedPassword(ref.endpoint, ref.side), ref.side, connectTimeoutMs);
  const task = await db().task.findUnique({ where: { id: ref.taskId }, include: { source: true, dest: true } });
  if (!task) throw notFound(`Task ${ref.taskId}`);
  return endpointToConnection(ref.side === 'source' ? task.source : task.dest, ref.side, connectTimeoutMs);
}
