// Database connections registered for reuse: "Select Existing Connection" in Configure Task.
// A connection's password never leaves the server; an endpoint that names a connection and
// leaves its password empty gets the stored one, but only for the connection's own address and
// account (otherwise anyone could point a saved password at a server of their own).
import { z } from 'zod';
import { decryptSecret } from '../crypto';
import { db } from '../db';
import { badRequest, notFound } from '../errors';
import type { Connection } from '../generated/prisma/client';
import { endpointData } from './endpoint-config';
import { endpointInput, type EndpointInput } from './task-config';
import { endpointView, sslOf } from './task-view';
import { parseInput } from './validate';

export const connectionInput = endpointInput.omit({ connectionId: true }).extend({ name: z.string().min(1).max(100) });
export type ConnectionInput = z.input<typeof connectionInput>;

/** a saved connection as listed: the endpoint view without the password flag, with its name */
export const connectionView = endpointView.omit({ hasPassword: true }).extend({ name: z.string(), createdAt: z.date() });
export type ConnectionView = z.infer<typeof connectionView>;

function toView(c: Connection): ConnectionView {
  return { id: c.id, name: c.name, engine: c.engine, host: c.host, port: c.port, database: c.database, user: c.user, ssl: sslOf(c.options), createdAt: c.createdAt };
}

/** registers a connection, or replaces the one of the same name */
export async function registerConnection(input: ConnectionInput): Promise<ConnectionView> {
  const c = parseInput(connectionInput, input);
  const data = endpointData({ ...c, engine: c.engine });
  const row = await db().connection.upsert({ where: { name: c.name }, create: { name: c.name, ...data }, update: data });
  return toView(row);
}

export async function listConnections(): Promise<ConnectionView[]> {
  return (await db().connection.findMany({ orderBy: { name: 'asc' } })).map(toView);
}

export async function removeConnection(id: number): Promise<{ ok: true }> {
  const { count } = await db().connection.deleteMany({ where: { id } });
  if (count === 0) throw notFound(`Connection ${id}`);
  return { ok: true };
}

const MUST_MATCH = ['engine', 'host', 'port', 'user'] as const;

/**
 * An endpoint as typed in: with `connectionId` and an empty password it takes the saved
 * connection's password, provided the address and account are the connection's. The database
 * may differ (another database on the same server). `side` names the field in errors.
 */
export async function withSavedPassword<E extends Pick<EndpointInput, 'connectionId' | 'engine' | 'host' | 'port' | 'user' | 'ssl'> & { password?: string }>(
  e: E,
  side: string,
): Promise<E> {
  if (e.connectionId === undefined || e.password) return e;
  const c = await db().connection.findUnique({ where: { id: e.connectionId } });
  if (!c) throw badRequest(`The saved connection ${e.connectionId} of the ${side} was not found; choose another connection or enter the password`, `${side}.connectionId`);
  const differs: string[] = MUST_MATCH.filter((f) => e[f] !== c[f]);
  if ((e.ssl ?? null) !== sslOf(c.options)) differs.push('ssl');
  if (differs.length) {
    throw badRequest(
      `The ${side} differs from the saved connection "${c.name}" (${differs.join(', ')}); its password is used only for ${c.user}@${c.host}:${c.port}. Enter the password of the ${side} database account.`,
      `${side}.password`,
    );
  }
  return { ...e, password: decryptSecret(c.passwordEnc) };
}
