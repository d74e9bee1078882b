// The audit log: who did what, and how it ended. Every mutation of the API is recorded here (the
// tRPC layer calls recordMutation), refused ones too, with the user (and the token's name when an
// API token was used) and the client address. A mutation about a task also goes into that task's
// event log, so the task details show who paused it. Administrators read it (audit.list, the Audit
// Log page, `dts audit list`).
import { z } from 'zod';
import { db } from '../db';
import { replaceInvalidText } from '../domain/text';
import type { AuthUser } from './auth-user';

export interface Actor {
  user: AuthUser | null;
  via: 'session' | 'token' | null;
  tokenName: string | null;
  clientAddress: string | null;
}

export interface AuditRecord {
  actor: Actor;
  /** who, when there is no signed-in user (the name tried at sign-in) */
  username?: string;
  action: string;
  taskId?: string | null;
  target?: string | null;
  outcome: string;
  message?: string | null;
}

/** "ops1", or "ops1 (token ci)" */
export function actorLabel(a: Pick<Actor, 'user' | 'tokenName'>, fallback = 'someone'): string {
  const name = a.user?.username ?? fallback;
  return a.tokenName ? `${name} (token "${a.tokenName}")` : name;
}

/** text as the audit stores it: no NUL or lone surrogate (hostile input is audited too), at most n characters */
function clip(s: string | null | undefined, n: number): string | null {
  if (s == null) return null;
  const clean = replaceInvalidText(s);
  return clean.length > n ? `${clean.slice(0, n - 1)}…` : clean;
}

export async function recordAudit(r: AuditRecord): Promise<void> {
  await db().auditEntry.create({
    data: {
      userId: r.actor.user?.id ?? null,
      username: clip(r.actor.user?.username ?? r.username ?? '-', 256) as string,
      tokenName: clip(r.actor.tokenName, 200),
      via: r.actor.via ?? 'none',
      action: r.action,
      taskId: r.taskId ?? null,
      target: clip(r.target, 500),
      outcome: r.outcome,
      message: clip(r.message, 2000),
      clientAddress: clip(r.actor.clientAddress, 100),
    },
  });
}

/** the task's event log gets "<what> by <who>"; a task already deleted (released) gets nothing */
export async function recordTaskAudit(taskId: string, what: string, actor: Actor): Promise<void> {
  await db().taskEvent.createMany({
    data: [{ taskId, level: 'info', message: `${what} by ${actorLabel(actor)}${actor.clientAddress ? ` from ${actor.clientAddress}` : ''}` }],
    skipDuplicates: true,
  }).catch(() => undefined);
}

export const listAuditInput = z.object({
  /** entries older than this id (the previous page's nextCursor) */
  cursor: z.string().regex(/^\d{1,19}$/).optional(),
  limit: z.number().int().min(1).max(500).default(50),
  username: z.string().max(256).optional(),
  taskId: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
});

export const auditEntryView = z.object({
  id: z.string(),
  at: z.date(),
  username: z.string(),
  tokenName: z.string().nullable(),
  via: z.string(),
  action: z.string(),
  taskId: z.string().nullable(),
  target: z.string().nullable(),
  outcome: z.string(),
  message: z.string().nullable(),
  clientAddress: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;

export async function listAudit(input: z.input<typeof listAuditInput>): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
  const q = listAuditInput.parse(input);
  const rows = await db().auditEntry.findMany({
    where: {
      ...(q.cursor ? { id: { lt: BigInt(q.cursor) } } : {}),
      ...(q.username ? { username: q.username.trim().toLowerCase() } : {}),
      ...(q.taskId ? { taskId: q.taskId } : {}),
      ...(q.action ? { action: q.action } : {}),
    },
    orderBy: { id: 'desc' },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({ ...r, id: r.id.toString() })),
    nextCursor: rows.length > q.limit ? page[page.length - 1].id.toString() : null,
  };
}
