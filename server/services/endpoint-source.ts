// Where a connectivity test or an introspection gets its connection: a definition typed in by
// the operator (with its password), or a side of an existing task (stored password).
import { z } from 'zod';
import { db } from '../db';
import { notFound } from '../errors';
import type { ConnectionConfig } from '../engines/types';
import { endpointToConnection, inputToConnection, type EndpointSide } from './endpoint-config';
import { withSavedPassword } from './connections';
import { endpointInput } from './task-config';

export const endpointRef = z.union([
  z.object({ endpoint: endpointInput, side: z.enum(['source', 'destination']).default('source') }),
  z.object({ taskId: z.string().min(1), side: z.enum(['source', 'destination']) }),
]);
export type EndpointRef = z.input<typeof endpointRef>;

export async function resolveEndpointRef(ref: z.infer<typeof endpointRef>, connectTimeoutMs: number): Promise<{ side: EndpointSide; config: ConnectionConfig }> {
  if ('endpoint' in ref) return { side: ref.side, config: inputToConnection(await withSavedPassword(ref.endpoint, ref.side), connectTimeoutMs) };
  const task = await db().task.findUnique({ where: { id: ref.taskId }, include: { source: true, dest: true } });
  if (!task) throw notFound(`Task ${ref.taskId}`);
  return { side: ref.side, config: endpointToConnection(ref.side === 'source' ? task.source : task.dest, connectTimeoutMs) };
}
