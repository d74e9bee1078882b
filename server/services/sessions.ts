// Browser sessions: an HTTP-only cookie holds a random token; the database keeps only its
// sha256 as Session.id, plus the CSRF token that mutations must echo in `x-csrf-token`.
import { db } from '../db';
import { randomToken, sha256 } from '../crypto';
import { toAuthUser, type AuthUser } from './auth-user';

export const SESSION_COOKIE = 'dts_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(userId: number): Promise<NewSession> {
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db().session.create({ data: { id: sha256(token), userId, csrfToken, expiresAt } });
  return { token, csrfToken, expiresAt };
}

export async function resolveSession(token: string): Promise<{ user: AuthUser; csrfToken: string } | null> {
  const s = await db().session.findUnique({ where: { id: sha256(token) }, include: { user: true } });
  if (!s) return null;
  if (s.expiresAt.getTime() <= Date.now()) {
    await db().session.deleteMany({ where: { id: s.id } });
    return null;
  }
  return { user: toAuthUser(s.user), csrfToken: s.csrfToken };
}

export async function deleteSession(token: string): Promise<void> {
  await db().session.deleteMany({ where: { id: sha256(token) } });
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}
