// Turns a zod failure into an AppError that names the field at fault, so that every caller
// (tRPC, CLI, replicator) sees the same message.
import { z } from 'zod';
import { badRequest } from '../errors';

/** the id of a metadata row with an integer key (PostgreSQL integer: at most 2,147,483,647) */
export const rowId = z.number().int().min(1).max(2_147_483_647);

export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.');
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = [prefix, issuePath(issue.path)].filter(Boolean).join('.');
  throw badRequest(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}
